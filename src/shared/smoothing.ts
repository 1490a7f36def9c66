/**
 * TensorBoard's smoothing: an exponential moving average divided by its bias
 * (1 − wⁿ after n finite points), so the curve starts at the first value
 * instead of being dragged towards 0. Non-finite values pass through
 * unchanged and do not advance the average.
 */
export class EmaSmoother {
  private last = 0;
  private n = 0;

  /** weight in [0, 1): 0 = no smoothing. */
  constructor(private readonly weight: number) {}

  push(y: number | null): number | null {
    if (y === null || !Number.isFinite(y)) return y;
    const w = this.weight;
    this.last = this.last * w + (1 - w) * y;
    this.n++;
    const debias = w === 1 ? 1 : 1 - w ** this.n;
    return this.last / debias;
  }
}

export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const s = new EmaSmoother(weight);
  return values.map((v) => s.push(v));
}
