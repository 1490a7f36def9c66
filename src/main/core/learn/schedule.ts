/**
 * A value that moves linearly from `start` (progress 0) to `start × endFraction`
 * (progress 1); progress is the share of the run's env-step budget spent.
 * endFraction 1 returns `start` itself, so a schedule left at its default
 * changes no number of a run.
 */
export function linearDecay(start: number, endFraction: number, progress: number): number {
  if (endFraction === 1) return start;
  const p = Math.min(1, Math.max(0, progress));
  return start * (1 - p * (1 - endFraction));
}
