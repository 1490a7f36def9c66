/** Wall time per phase of a training run, so the next optimisation is chosen by measurement. */
export const PHASES = ['physics', 'policyForward', 'valueForward', 'discriminator', 'policyUpdate', 'valueUpdate', 'other'] as const;
export type Phase = (typeof PHASES)[number];

export class PhaseTimer {
  readonly seconds: Record<Phase, number> = { physics: 0, policyForward: 0, valueForward: 0, discriminator: 0, policyUpdate: 0, valueUpdate: 0, other: 0 };

  /** Runs fn and charges its wall time to `phase`. */
  time<T>(phase: Phase, fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.seconds[phase] += (performance.now() - t0) / 1000;
    }
  }

  add(phase: Phase, seconds: number): void {
    this.seconds[phase] += seconds;
  }

  total(): number {
    return PHASES.reduce((s, p) => s + this.seconds[p], 0);
  }

  /** Each phase's share of the total, as metrics rows (time_<phase>). */
  fractions(): Record<string, number> {
    const total = this.total() || 1;
    return Object.fromEntries(PHASES.map((p) => [`time_${p}`, this.seconds[p] / total]));
  }
}
