/**
 * Running mean and variance of observations (Chan et al.'s parallel update in
 * float64), and normalisation clip((x − mean) / std, ±clip). The variance is
 * floored (default 1e-2, i.e. std ≥ 0.1, as OpenAI baselines' policies do) so
 * a coordinate that has been constant does not explode when it first moves.
 */
export interface RunningNormState {
  readonly mean: number[];
  readonly var: number[];
  readonly count: number;
}

export class RunningNorm {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  count: number;
  private readonly std: Float64Array;

  constructor(
    readonly dim: number,
    readonly clip = 5,
    readonly varFloor = 1e-2,
  ) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
    this.std = new Float64Array(dim);
    // A tiny prior count keeps the first update well defined, as baselines does.
    this.count = 1e-4;
    this.refreshStd();
  }

  /** Folds in `rows` rows of `data` (rows × dim, row-major). */
  update(data: ArrayLike<number>, rows: number, offset = 0): void {
    if (rows <= 0) return;
    const d = this.dim;
    const bMean = new Float64Array(d);
    const bVar = new Float64Array(d);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) bMean[j] += data[offset + r * d + j];
    for (let j = 0; j < d; j++) bMean[j] /= rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) {
        const dx = data[offset + r * d + j] - bMean[j];
        bVar[j] += dx * dx;
      }
    }
    for (let j = 0; j < d; j++) bVar[j] /= rows;
    this.merge(bMean, bVar, rows);
  }

  /** Folds in a batch given only its mean, population variance and size (e.g. a RowMoments). */
  merge(bMean: ArrayLike<number>, bVar: ArrayLike<number>, rows: number): void {
    if (rows <= 0) return;
    const total = this.count + rows;
    for (let j = 0; j < this.dim; j++) {
      const delta = bMean[j] - this.mean[j];
      const m2 = this.var[j] * this.count + bVar[j] * rows + (delta * delta * this.count * rows) / total;
      this.mean[j] += (delta * rows) / total;
      this.var[j] = m2 / total;
    }
    this.count = total;
    this.refreshStd();
  }

  /** out[outOffset + j] = clip((x[inOffset + j] − mean_j) / std_j) for one row. */
  normalizeRow(x: ArrayLike<number>, inOffset: number, out: Float32Array | Float64Array, outOffset: number): void {
    const c = this.clip;
    for (let j = 0; j < this.dim; j++) {
      const z = (x[inOffset + j] - this.mean[j]) / this.std[j];
      out[outOffset + j] = z > c ? c : z < -c ? -c : z;
    }
  }

  /** Normalises rows × dim values into a new Float32Array (the network's input). */
  normalize(x: ArrayLike<number>, rows: number): Float32Array {
    const out = new Float32Array(rows * this.dim);
    for (let r = 0; r < rows; r++) this.normalizeRow(x, r * this.dim, out, r * this.dim);
    return out;
  }

  getState(): RunningNormState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  setState(s: RunningNormState): void {
    if (s.mean.length !== this.dim || s.var.length !== this.dim) throw new Error(`normaliser state has dim ${s.mean.length}, expected ${this.dim}`);
    this.mean.set(s.mean);
    this.var.set(s.var);
    this.count = s.count;
    this.refreshStd();
  }

  private refreshStd(): void {
    for (let j = 0; j < this.dim; j++) this.std[j] = Math.sqrt(Math.max(this.var[j], this.varFloor));
  }
}

/**
 * Mean and population variance of rows seen one at a time (Welford), for
 * batches too long to keep: ARS folds every state of ~10⁵ steps per update
 * into the observation normaliser.
 */
export class RowMoments {
  readonly mean: Float64Array;
  /** Σ (x − mean)² per column. */
  readonly m2: Float64Array;
  count = 0;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  add(row: ArrayLike<number>, offset = 0): void {
    this.count++;
    const n = this.count;
    for (let j = 0; j < this.dim; j++) {
      const x = row[offset + j];
      const d = x - this.mean[j];
      this.mean[j] += d / n;
      this.m2[j] += d * (x - this.mean[j]);
    }
  }

  /**
   * Folds in another batch's moments (Chan et al.): the result depends on the
   * order batches are folded in, not on which thread computed each one.
   */
  absorb(mean: ArrayLike<number>, m2: ArrayLike<number>, count: number): void {
    if (count <= 0) return;
    const total = this.count + count;
    for (let j = 0; j < this.dim; j++) {
      const delta = mean[j] - this.mean[j];
      this.mean[j] += (delta * count) / total;
      this.m2[j] += m2[j] + (delta * delta * this.count * count) / total;
    }
    this.count = total;
  }

  variance(): Float64Array {
    const v = new Float64Array(this.dim);
    if (this.count > 0) for (let j = 0; j < this.dim; j++) v[j] = this.m2[j] / this.count;
    return v;
  }

  clear(): void {
    this.mean.fill(0);
    this.m2.fill(0);
    this.count = 0;
  }
}
