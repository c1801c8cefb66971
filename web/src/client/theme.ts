// The light/dark toggle. Without a stored choice the system preference applies.
import { signal } from '@preact/signals';

export type ThemeName = 'light' | 'dark';
export const THEME_STORAGE_KEY = 'exosphere-theme';

function systemTheme(): ThemeName {
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function initialTheme(): ThemeName {
  if (typeof document === 'undefined') return 'light';
  const set = document.documentElement.dataset.theme;
  return set === 'light' || set === 'dark' ? set : systemTheme();
}

/** The theme in effect. */
export const theme = signal<ThemeName>(initialTheme());

export function setTheme(next: ThemeName): void {
  theme.value = next;
  document.documentElement.dataset.theme = next;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, next);
  } catch {
    // Storage can be unavailable (private mode); the choice then lasts for this page.
  }
}

export function toggleTheme(): void {
  setTheme(theme.value === 'dark' ? 'light' : 'dark');
}
