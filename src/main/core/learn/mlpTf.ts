/**
 * Batched MLP math in tfjs with explicit forward and reverse-mode (VJP)
 * passes over cached activations, on the tfjs backend chosen at start: Behavioral
 * Cloning's training. The other learners use the WebAssembly kernels of
 * mlpWasm.ts.
 *
 * The network is evaluated in "sigmoid form": a tanh unit h = tanh(a) equals
 * 2σ(2a) − 1, so with s = σ(2a) each hidden layer is one fused
 * matMul+bias+sigmoid on weights rescaled at bind time (the −1 folds into the
 * next layer's bias). Measured with tfjs-backend-wasm (SIMD, one thread): tanh
 * costs ~15 ns/element but sigmoid ~0.9, and dispatch costs ~8–20 µs per op,
 * so fewer, fused ops matter for the 128-row minibatches. Also measured:
 * matMul with transposeA/B is ~12× slower than on a transposed copy, so
 * transposes are cached (activations) or made in JS (weights).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MlpLayout } from './mlp';

export interface MlpActivations {
  /** Input of each layer: x, then s1 = σ(2a1), s2, … */
  readonly inputs: tf.Tensor2D[];
  /** s(1 − s) of each hidden layer; tanh′(a) = 4·s(1 − s). */
  readonly derivs: tf.Tensor2D[];
  readonly output: tf.Tensor2D;
  /** Transposed layer inputs, made on first use by backward(). */
  inputsT: (tf.Tensor2D | undefined)[];
  readonly ownsInput: boolean;
}

export function disposeActivations(a: MlpActivations): void {
  a.inputs.forEach((t, i) => (i > 0 || a.ownsInput) && t.dispose());
  a.derivs.forEach((t) => t.dispose());
  a.inputsT.forEach((t) => t?.dispose());
  a.output.dispose();
}

interface BoundLayer {
  /** Forward weights and bias in sigmoid form. */
  w: tf.Tensor2D;
  b: tf.Tensor1D;
  /** (4W)ᵀ: carries a gradient back through this layer into the previous hidden layer. */
  back?: tf.Tensor2D;
}

export class MlpTf {
  private layers: BoundLayer[] = [];
  private readonly ones = new Map<number, tf.Tensor2D>();

  constructor(readonly layout: MlpLayout) {}

  /** Uploads parameters (the flat vector's first layout.numParams entries). */
  bind(params: Float32Array): void {
    this.disposeWeights();
    const { sizes, weightOffset, biasOffset, numLayers: L } = this.layout;
    for (let l = 0; l < L; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const hidden = l < L - 1;
      // Input is x (l = 0) or h = 2s − 1; a hidden output is taken as u = 2a.
      const inScale = l === 0 ? 1 : 2;
      const outScale = hidden ? 2 : 1;
      const wo = weightOffset[l];
      const w = new Float32Array(nIn * nOut);
      const b = new Float32Array(nOut);
      for (let j = 0; j < nOut; j++) b[j] = params[biasOffset[l] + j];
      for (let i = 0; i < nIn; i++) {
        for (let j = 0; j < nOut; j++) {
          const x = params[wo + i * nOut + j];
          w[i * nOut + j] = outScale * inScale * x;
          if (l > 0) b[j] -= x;
        }
      }
      for (let j = 0; j < nOut; j++) b[j] *= outScale;
      const layer: BoundLayer = { w: tf.tensor2d(w, [nIn, nOut]), b: tf.tensor1d(b) };
      if (l > 0) {
        const back = new Float32Array(nIn * nOut);
        for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) back[j * nIn + i] = 4 * params[wo + i * nOut + j];
        layer.back = tf.tensor2d(back, [nOut, nIn]);
      }
      this.layers.push(layer);
    }
  }

  /** Output only. */
  predict(x: tf.Tensor2D): tf.Tensor2D {
    let s = x;
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const { w, b } = this.layers[l];
      const next = tf.fused.matMul({ a: s, b: w, bias: b, activation: l < L - 1 ? 'sigmoid' : 'linear' }) as tf.Tensor2D;
      if (s !== x) s.dispose();
      s = next;
    }
    return s;
  }

  /** Output plus the activations backward() needs. `x` stays owned by the caller unless ownsInput. */
  forward(x: tf.Tensor2D, ownsInput = false): MlpActivations {
    const inputs: tf.Tensor2D[] = [x];
    const derivs: tf.Tensor2D[] = [];
    const L = this.layers.length;
    for (let l = 0; l < L - 1; l++) {
      const { w, b } = this.layers[l];
      const s = tf.fused.matMul({ a: inputs[l], b: w, bias: b, activation: 'sigmoid' }) as tf.Tensor2D;
      inputs.push(s);
      const sq = tf.square(s);
      derivs.push(tf.sub(s, sq) as tf.Tensor2D);
      sq.dispose();
    }
    const last = this.layers[L - 1];
    const output = tf.fused.matMul({ a: inputs[L - 1], b: last.w, bias: last.b }) as tf.Tensor2D;
    return { inputs, derivs, output, inputsT: inputs.map(() => undefined), ownsInput };
  }

  /**
   * Reverse mode: the gradient of Σ dOut ⊙ output with respect to every
   * parameter, written into grad[0..numParams).
   */
  backward(acts: MlpActivations, dOut: tf.Tensor2D, grad: Float32Array): void {
    const L = this.layers.length;
    const n = dOut.shape[0];
    const flat = tf.tidy(() => {
      const pieces: tf.Tensor[] = new Array(2 * L);
      let g: tf.Tensor2D = dOut;
      for (let l = L - 1; l >= 0; l--) {
        pieces[2 * l] = tf.reshape(tf.matMul(this.inputT(acts, l), g), [-1]);
        pieces[2 * l + 1] = tf.reshape(tf.matMul(this.onesRow(n), g), [-1]);
        if (l > 0) g = tf.mul(tf.matMul(g, this.layers[l].back!), acts.derivs[l - 1]);
      }
      return tf.concat(pieces);
    });
    const raw = flat.dataSync() as Float32Array;
    flat.dispose();
    // For a layer fed by h = 2s − 1: ∂/∂W = hᵀg = 2·sᵀg − 1·(column sums of g).
    const { sizes, weightOffset, biasOffset, numLayers } = this.layout;
    for (let l = 0; l < numLayers; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const wo = weightOffset[l];
      const bo = biasOffset[l];
      if (l === 0) {
        for (let k = 0; k < nIn * nOut; k++) grad[wo + k] = raw[wo + k];
      } else {
        for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) grad[wo + i * nOut + j] = 2 * raw[wo + i * nOut + j] - raw[bo + j];
      }
      for (let j = 0; j < nOut; j++) grad[bo + j] = raw[bo + j];
    }
  }

  dispose(): void {
    this.disposeWeights();
    this.ones.forEach((t) => t.dispose());
    this.ones.clear();
  }

  private inputT(acts: MlpActivations, l: number): tf.Tensor2D {
    const cached = acts.inputsT[l];
    if (cached) return cached;
    const t = tf.keep(tf.transpose(acts.inputs[l]) as tf.Tensor2D);
    acts.inputsT[l] = t;
    return t;
  }

  private onesRow(n: number): tf.Tensor2D {
    const cached = this.ones.get(n);
    if (cached) return cached;
    const t = tf.keep(tf.ones([1, n]) as tf.Tensor2D);
    this.ones.set(n, t);
    return t;
  }

  private disposeWeights(): void {
    for (const layer of this.layers) {
      layer.w.dispose();
      layer.b.dispose();
      layer.back?.dispose();
    }
    this.layers = [];
  }
}
