import { Checkbox } from '../../components/field.js';

/** A role allow-list: "any role" (`*`), or the roles ticked. */
export function RolePicker({
  legend,
  roles,
  value,
  disabled,
  onChange,
}: {
  legend: string;
  roles: string[];
  value: string[];
  disabled?: boolean;
  onChange: (roles: string[]) => void;
}) {
  const any = value.includes('*');
  return (
    <fieldset class="field" disabled={disabled}>
      <legend>{legend}</legend>
      <div class="stack">
        <Checkbox
          label="Any role"
          checked={any}
          onChange={(event) => onChange(event.currentTarget.checked ? ['*'] : [])}
        />
        <div class="checks">
          {roles.map((role) => (
            <Checkbox
              key={role}
              label={role}
              disabled={any}
              checked={any || value.includes(role)}
              onChange={(event) =>
                onChange(
                  event.currentTarget.checked ? [...value, role] : value.filter((name) => name !== role),
                )
              }
            />
          ))}
        </div>
      </div>
    </fieldset>
  );
}
