/** Adam on a flat parameter vector, with a serialisable state for checkpoints. */
export interface AdamState {
  readonly m: number[];
  readonly v: number[];
  readonly t: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    readonly size: number,
    public learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /**
   * One step down the gradient of a loss, in Kingma & Ba's efficient form (as
   * OpenAI baselines and TF): params ← params − lr_t · m / (√v + ε) with
   * lr_t = lr · √(1 − β2ᵗ) / (1 − β1ᵗ).
   */
  step(params: Float32Array | Float64Array, grad: ArrayLike<number>): void {
    this.t++;
    const { beta1: b1, beta2: b2, epsilon } = this;
    const lr = (this.learningRate * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    for (let i = 0; i < this.size; i++) {
      const g = grad[i];
      this.m[i] = b1 * this.m[i] + (1 - b1) * g;
      this.v[i] = b2 * this.v[i] + (1 - b2) * g * g;
      params[i] -= (lr * this.m[i]) / (Math.sqrt(this.v[i]) + epsilon);
    }
  }

  getState(): AdamState {
    return { m: Array.from(this.m), v: Array.from(this.v), t: this.t };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.size || s.v.length !== this.size) {
      throw new Error(`Adam state has ${s.m.length}/${s.v.length} moment entries, expected ${this.size}`);
    }
    this.m.set(s.m);
    this.v.set(s.v);
    this.t = s.t;
  }
}
