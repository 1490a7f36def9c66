/** The last N finished episodes' true returns and lengths (baselines reports a window of 100). */
export class EpisodeWindow {
  returns: number[] = [];
  lengths: number[] = [];
  total = 0;

  constructor(readonly size = 100) {}

  add(returns: readonly number[], lengths: readonly number[]): void {
    this.returns.push(...returns);
    this.lengths.push(...lengths);
    this.total += returns.length;
    if (this.returns.length > this.size) {
      this.returns.splice(0, this.returns.length - this.size);
      this.lengths.splice(0, this.lengths.length - this.size);
    }
  }

  meanReturn(): number {
    return this.returns.length ? this.returns.reduce((a, b) => a + b, 0) / this.returns.length : NaN;
  }

  meanLength(): number {
    return this.lengths.length ? this.lengths.reduce((a, b) => a + b, 0) / this.lengths.length : NaN;
  }

  getState(): { returns: number[]; lengths: number[]; total: number } {
    return { returns: [...this.returns], lengths: [...this.lengths], total: this.total };
  }

  setState(s: { returns: number[]; lengths: number[]; total: number }): void {
    this.returns = [...s.returns];
    this.lengths = [...s.lengths];
    this.total = s.total;
  }
}
