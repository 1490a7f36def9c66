import { flushSync, tick } from 'svelte';

/** Lets the app's pending requests answer and Svelte apply what they changed (a few macrotask + tick rounds). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
  flushSync();
}
