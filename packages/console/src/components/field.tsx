import type {
  ComponentChildren,
  InputHTMLAttributes,
  LooseInputHTMLAttributes,
  LooseSelectHTMLAttributes,
  SelectHTMLAttributes,
} from 'preact';
import { useId } from 'preact/hooks';

// Preact types <input> as a union keyed on `type`; the loose form takes any `type` for a generic field.
interface FieldProps extends LooseInputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ComponentChildren;
  error?: string | undefined;
}

/** A labelled input with its hint and error tied to it for screen readers. */
export function Field({ label, hint, error, id, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = `${inputId}-hint`;
  const errorId = `${inputId}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input
        {...(input as InputHTMLAttributes)}
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {hint && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span class="field-error" id={errorId}>
          {/^[a-z]/.test(error) ? `${label} ${error}` : error}
        </span>
      )}
    </div>
  );
}

interface SelectProps extends LooseSelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  hint?: ComponentChildren;
  options: { value: string; label: string }[];
}

export function SelectField({ label, hint, options, id, ...select }: SelectProps) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div class="field">
      <label for={selectId}>{label}</label>
      <select
        {...(select as SelectHTMLAttributes)}
        id={selectId}
        aria-describedby={hint ? `${selectId}-hint` : undefined}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint && (
        <span class="hint" id={`${selectId}-hint`}>
          {hint}
        </span>
      )}
    </div>
  );
}

export function Checkbox({
  label,
  description,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  description?: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (event: { currentTarget: HTMLInputElement }) => void;
}) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={onChange} />
      <span>
        {label}
        {description && <small>{description}</small>}
      </span>
    </label>
  );
}
