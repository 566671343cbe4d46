export type ThemeChoice = 'light' | 'dark' | 'system';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * Puts the `dark` class on <html> for the chosen theme; "system" follows the OS and keeps
 * following it. Returns an unsubscribe for the system listener.
 */
export function applyTheme(choice: ThemeChoice = 'system'): () => void {
  const media = window.matchMedia(DARK_QUERY);
  const update = (): void => {
    const dark = choice === 'dark' || (choice === 'system' && media.matches);
    document.documentElement.classList.toggle('dark', dark);
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  };
  update();
  if (choice !== 'system') return () => {};
  media.addEventListener('change', update);
  return () => media.removeEventListener('change', update);
}
