/**
 * A tanh multi-layer perceptron stored as one flat parameter vector, the shape
 * TRPO and Adam work with: [W1 (in×h1, row-major), b1, W2, b2, …, Wout, bout].
 * Hidden layers are tanh, the output is linear.
 */
import { Rng } from '../math/rng';

export class MlpLayout {
  readonly sizes: readonly number[];
  /** Offsets of each layer's weight matrix and bias in the flat vector. */
  readonly weightOffset: readonly number[];
  readonly biasOffset: readonly number[];
  readonly numParams: number;

  constructor(sizes: readonly number[]) {
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new Error(`MLP sizes must be at least two positive integers, got [${sizes.join(', ')}]`);
    }
    this.sizes = [...sizes];
    const w: number[] = [];
    const b: number[] = [];
    let o = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      w.push(o);
      o += sizes[l] * sizes[l + 1];
      b.push(o);
      o += sizes[l + 1];
    }
    this.weightOffset = w;
    this.biasOffset = b;
    this.numParams = o;
  }

  get numLayers(): number {
    return this.sizes.length - 1;
  }

  get inputSize(): number {
    return this.sizes[0];
  }

  get outputSize(): number {
    return this.sizes[this.sizes.length - 1];
  }
}

/**
 * OpenAI baselines' normc initialiser: Gaussian weights with each unit's
 * incoming weight vector scaled to norm `scale`; zero biases. Hidden layers use
 * scale 1, the output layer `outputScale` (0.01 for a policy mean).
 */
export function initMlpParams(layout: MlpLayout, rng: Rng, outputScale: number): Float32Array {
  const p = new Float32Array(layout.numParams);
  for (let l = 0; l < layout.numLayers; l++) {
    const fanIn = layout.sizes[l];
    const fanOut = layout.sizes[l + 1];
    const scale = l === layout.numLayers - 1 ? outputScale : 1;
    const o = layout.weightOffset[l];
    const col = new Float64Array(fanIn);
    for (let j = 0; j < fanOut; j++) {
      let norm = 0;
      for (let i = 0; i < fanIn; i++) {
        col[i] = rng.normal();
        norm += col[i] * col[i];
      }
      const k = scale / Math.sqrt(norm);
      for (let i = 0; i < fanIn; i++) p[o + i * fanOut + j] = col[i] * k;
    }
  }
  return p;
}
