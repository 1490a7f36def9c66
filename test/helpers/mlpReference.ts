/**
 * The MLP of src/main/core/learn/mlp.ts evaluated in float64, one row at a
 * time, straight from its definition: the reference the float32 kernels and
 * finite differences are checked against.
 */
import type { MlpLayout } from '../../src/main/core/learn/mlp';

export class MlpReference {
  private params: Float64Array;

  constructor(readonly layout: MlpLayout) {
    this.params = new Float64Array(layout.numParams);
  }

  setParams(params: ArrayLike<number>): void {
    if (params.length < this.layout.numParams) throw new Error('parameter vector too short');
    this.params = Float64Array.from({ length: this.layout.numParams }, (_, i) => params[i]);
  }

  /** out[outOffset..] = f(input[inOffset..]) for one row. */
  run(input: ArrayLike<number>, inOffset: number, out: Float64Array, outOffset: number): void {
    const { sizes, weightOffset, biasOffset, numLayers } = this.layout;
    let x = Array.from({ length: sizes[0] }, (_, i) => input[inOffset + i]);
    for (let l = 0; l < numLayers; l++) {
      const y: number[] = [];
      for (let j = 0; j < sizes[l + 1]; j++) {
        let s = this.params[biasOffset[l] + j];
        for (let i = 0; i < sizes[l]; i++) s += x[i] * this.params[weightOffset[l] + i * sizes[l + 1] + j];
        y.push(l < numLayers - 1 ? Math.tanh(s) : s);
      }
      x = y;
    }
    out.set(x, outOffset);
  }
}
