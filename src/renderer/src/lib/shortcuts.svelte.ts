/**
 * Keyboard shortcuts: each page registers the keys it handles with a
 * description, so the help overlay (`?`) always lists what works where.
 */
import { untrack } from 'svelte';

export interface Shortcut {
  /** As shown to the user, e.g. `/`, `Space`, `Shift+→`. */
  keys: string;
  description: string;
  /** Where it works, e.g. `Everywhere`, `Runs`, `Replay`. */
  scope: string;
}

class Shortcuts {
  list = $state.raw<Shortcut[]>([
    { keys: '?', description: 'Show or hide this help', scope: 'Everywhere' },
    { keys: 'g r / g n / g q / g c / g s / g d', description: 'Go to Runs, New experiment, Queue, Compare, Results, Datasets', scope: 'Everywhere' },
    { keys: 'Esc', description: 'Close a dialog or this help', scope: 'Everywhere' },
  ]);

  /** Adds a page's shortcuts while it is shown; returns the function that removes them. */
  register(entries: Shortcut[]): () => void {
    // Untracked: pages call this inside an $effect, which must not depend on the list it changes.
    untrack(() => (this.list = [...this.list, ...entries]));
    return () => untrack(() => (this.list = this.list.filter((s) => !entries.includes(s))));
  }
}

export const shortcuts = new Shortcuts();

/** True when a key press is meant for a text field, not for a shortcut. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}
