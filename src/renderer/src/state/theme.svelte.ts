/**
 * Light or dark: from the system setting unless the user picks one, and the
 * pick is remembered on this device.
 */
type Choice = 'system' | 'light' | 'dark';
const KEY = 'imlab.theme';

class Theme {
  choice = $state<Choice>(read());
  private systemDark = $state(window.matchMedia('(prefers-color-scheme: dark)').matches);
  resolved = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);

  constructor() {
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', (e) => (this.systemDark = e.matches));
  }

  cycle(): void {
    this.choice = this.choice === 'system' ? 'light' : this.choice === 'light' ? 'dark' : 'system';
    localStorage.setItem(KEY, this.choice);
  }
}

function read(): Choice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export const theme = new Theme();
