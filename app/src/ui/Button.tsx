import type { ComponentProps } from 'react';

const STYLES = {
  primary: 'bg-accent text-on-accent hover:bg-accent-strong',
  secondary: 'bg-raised text-fg hover:bg-line',
  danger: 'bg-danger text-on-danger hover:brightness-110',
} as const;

export function Button({
  variant = 'secondary',
  className = '',
  ...rest
}: ComponentProps<'button'> & { variant?: keyof typeof STYLES }) {
  return (
    <button
      type="button"
      {...rest}
      className={`rounded-lg px-3 py-1.5 text-sm font-medium transition-colors disabled:opacity-50 ${STYLES[variant]} ${className}`}
    />
  );
}
