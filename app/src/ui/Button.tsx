import type { ButtonHTMLAttributes } from 'react';

const STYLES = {
  primary: 'bg-white text-neutral-900 hover:bg-neutral-200',
  secondary: 'bg-neutral-800 text-neutral-100 hover:bg-neutral-700',
  danger: 'bg-red-600/90 text-white hover:bg-red-600',
} as const;

export function Button({
  variant = 'secondary',
  className = '',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof STYLES }) {
  return (
    <button
      type="button"
      {...rest}
      className={`rounded-lg px-3 py-1.5 text-sm font-medium transition-colors disabled:opacity-50 ${STYLES[variant]} ${className}`}
    />
  );
}
