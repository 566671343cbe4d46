import { useSyncExternalStore } from 'react';
import { pageTheme, type ThemeChoice } from '../../lib/theme.ts';
import { Section } from './Section.tsx';

const OPTIONS: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Light, dark, or as the system says; the choice follows the person to their other devices. */
export function AppearanceSection() {
  const theme = pageTheme();
  const choice = useSyncExternalStore(theme.subscribe, theme.get);
  return (
    <Section title="Appearance">
      <fieldset>
        <legend className="text-sm text-fg-muted">Theme (on all your devices)</legend>
        <div className="mt-2 inline-flex flex-wrap gap-1 rounded-xl bg-raised p-1">
          {OPTIONS.map((option) => (
            <label
              key={option.value}
              className="cursor-pointer rounded-lg px-3 py-1.5 text-sm font-medium has-checked:bg-canvas has-checked:shadow-sm has-focus-visible:outline-2 has-focus-visible:outline-focus"
            >
              <input
                type="radio"
                name="theme"
                value={option.value}
                checked={choice === option.value}
                onChange={() => theme.choose(option.value)}
                className="sr-only"
              />
              {option.label}
            </label>
          ))}
        </div>
      </fieldset>
    </Section>
  );
}
