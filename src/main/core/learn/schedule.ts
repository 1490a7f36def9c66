/**
 * A value that holds `start` until `decayStart` of the run, then moves
 * linearly to `start × endFraction` at its end; progress is the share of the
 * run's env-step budget spent. endFraction 1 returns `start` itself, so a
 * schedule left at its default changes no number of a run.
 */
export function linearDecay(start: number, endFraction: number, progress: number, decayStart = 0): number {
  if (endFraction === 1 || progress <= decayStart) return start;
  const p = Math.min(1, (progress - decayStart) / (1 - decayStart));
  return start * (1 - p * (1 - endFraction));
}
