import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'link-danger';

export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'size'> {
  variant?: Variant;
  small?: boolean;
  block?: boolean;
  /** Shows a spinner and blocks repeat clicks while the action runs. */
  pending?: boolean;
  children: ComponentChildren;
}

export function Button({
  variant = 'secondary',
  small,
  block,
  pending,
  children,
  type = 'button',
  disabled,
  class: extra,
  ...rest
}: ButtonProps) {
  const classes = ['btn', `btn-${variant}`, small && 'btn-small', block && 'btn-block', extra]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      {...rest}
      type={type}
      class={classes}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
    >
      {pending && <span class="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
