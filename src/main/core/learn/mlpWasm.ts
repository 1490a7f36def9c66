/**
 * A tanh MLP (the flat layout of mlp.ts) evaluated and differentiated by the
 * WebAssembly SIMD kernels, in float32, for up to `capacity` rows at a time:
 * the per-step policy forward of rollouts and the minibatch steps of fitting.
 * No per-operation dispatch and no operand packing, which is what a 128-row
 * minibatch of 100-unit layers costs most through tfjs (see kernels/mlp.ts).
 *
 * Usage: write rows into `input`, call forward(rows); for gradients write
 * ∂loss/∂output into `outputGrad` and call backward(rows): `grad` then holds
 * ∂loss/∂params in the params layout. jvp(rows, tangent) is the forward-mode
 * pass (TRPO's Fisher-vector products) over the same cached activations.
 */
import { arenaSize, KernelArena, type KernelBuffer } from './kernels/wasmKernels';
import type { MlpLayout } from './mlp';

export class MlpWasm {
  /** rows × inputSize. */
  readonly input: Float32Array;
  /** rows × outputSize, valid after forward(). */
  readonly output: Float32Array;
  /** rows × outputSize: ∂loss/∂output, written by the caller before backward(). */
  readonly outputGrad: Float32Array;
  /** ∂loss/∂params after backward(), in the params layout. */
  readonly grad: Float32Array;
  private readonly arena: KernelArena;
  private readonly params: KernelBuffer;
  private readonly gradBuf: KernelBuffer;
  /** Layer inputs: x, h1, h2, …, then the output. */
  private readonly acts: KernelBuffer[];
  /** Per layer l ≥ 1: Wₗᵀ (out × in), to carry gradients back. */
  private readonly weightsT: (KernelBuffer | undefined)[];
  /** Two rows × (widest hidden layer) buffers: gradients flowing back, tangents flowing forward. */
  private readonly back: [KernelBuffer, KernelBuffer];
  private readonly outGrad: KernelBuffer;
  private readonly tangent: KernelBuffer;
  private readonly tangentOut: KernelBuffer;
  private transposesStale = true;

  constructor(
    readonly layout: MlpLayout,
    readonly capacity: number,
  ) {
    const { sizes, numLayers, numParams } = layout;
    const rows = capacity;
    const hiddenWidth = Math.max(1, ...sizes.slice(1, -1));
    const wT = sizes.slice(1, -1).map((_, i) => sizes[i + 1] * sizes[i + 2]);
    this.arena = new KernelArena(
      arenaSize([numParams, numParams, numParams, ...sizes.map((s) => rows * s), ...wT, rows * hiddenWidth, rows * hiddenWidth, rows * layout.outputSize, rows * layout.outputSize]),
    );
    this.params = this.arena.alloc(numParams);
    this.gradBuf = this.arena.alloc(numParams);
    this.acts = sizes.map((s) => this.arena.alloc(rows * s));
    this.weightsT = Array.from({ length: numLayers }, (_, l) => (l === 0 ? undefined : this.arena.alloc(sizes[l] * sizes[l + 1])));
    this.back = [this.arena.alloc(rows * hiddenWidth), this.arena.alloc(rows * hiddenWidth)];
    this.outGrad = this.arena.alloc(rows * layout.outputSize);
    this.tangent = this.arena.alloc(numParams);
    this.tangentOut = this.arena.alloc(rows * layout.outputSize);
    this.input = this.acts[0].f32;
    this.output = this.acts[numLayers].f32;
    this.outputGrad = this.outGrad.f32;
    this.grad = this.gradBuf.f32;
  }

  /** Copies the parameters in (call after every change). */
  setParams(params: Float32Array | Float64Array): void {
    this.params.f32.set(params.subarray(0, this.layout.numParams));
    this.transposesStale = true;
  }

  /** The output for the first `rows` rows of `input`. */
  forward(rows: number): Float32Array {
    this.checkRows(rows);
    const { sizes, weightOffset, biasOffset, numLayers: L } = this.layout;
    const { k } = this.arena;
    const p = this.params.ptr;
    for (let l = 0; l < L; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const out = this.acts[l + 1].ptr;
      k.gemm(out, this.acts[l].ptr, p + 4 * weightOffset[l], p + 4 * biasOffset[l], rows, nIn, nOut, nIn, 1, 0);
      if (l < L - 1) k.tanhInPlace(out, rows * nOut);
    }
    return this.output.subarray(0, rows * this.layout.outputSize);
  }

  /** Gradient of Σ outputGrad ⊙ output over the rows of the last forward(rows). */
  backward(rows: number): Float32Array {
    this.checkRows(rows);
    const { sizes, weightOffset, biasOffset, numLayers: L } = this.layout;
    const { k } = this.arena;
    if (this.transposesStale) {
      for (let l = 1; l < L; l++) k.transpose(this.weightsT[l]!.ptr, this.params.ptr + 4 * weightOffset[l], sizes[l], sizes[l + 1]);
      this.transposesStale = false;
    }
    const grad = this.gradBuf.ptr;
    let g = this.outGrad.ptr;
    for (let l = L - 1; l >= 0; l--) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const h = this.acts[l].ptr;
      // ∂/∂Wₗ = hₗᵀ·g (hₗ read transposed in place), ∂/∂bₗ = column sums of g.
      k.gemm(grad + 4 * weightOffset[l], h, g, 0, nIn, rows, nOut, 1, nIn, 0);
      k.columnSums(grad + 4 * biasOffset[l], g, rows, nOut, 0);
      if (l > 0) {
        const next = this.back[l % 2].ptr;
        k.gemm(next, g, this.weightsT[l]!.ptr, 0, rows, nOut, nIn, nOut, 1, 0);
        k.tanhBackward(next, h, rows * nIn);
        g = next;
      }
    }
    return this.grad;
  }

  /**
   * Forward mode: the directional derivative of the output (rows × outputSize)
   * along a parameter tangent, at the activations of the last forward(rows):
   * żₗ = hₗ₋₁·Ẇₗ + ḃₗ + ḣₗ₋₁·Wₗ, ḣₗ = (1 − hₗ²) ⊙ żₗ.
   */
  jvp(rows: number, tangent: Float32Array | Float64Array): Float32Array {
    this.checkRows(rows);
    const { sizes, weightOffset, biasOffset, numLayers: L, numParams } = this.layout;
    const { k } = this.arena;
    this.tangent.f32.set(tangent.subarray(0, numParams));
    const t = this.tangent.ptr;
    const p = this.params.ptr;
    let hDot = 0;
    for (let l = 0; l < L; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const out = l < L - 1 ? this.back[l % 2].ptr : this.tangentOut.ptr;
      k.gemm(out, this.acts[l].ptr, t + 4 * weightOffset[l], t + 4 * biasOffset[l], rows, nIn, nOut, nIn, 1, 0);
      if (l > 0) k.gemm(out, hDot, p + 4 * weightOffset[l], 0, rows, nIn, nOut, nIn, 1, 1);
      if (l < L - 1) k.tanhBackward(out, this.acts[l + 1].ptr, rows * nOut);
      hDot = out;
    }
    return this.tangentOut.f32.subarray(0, rows * this.layout.outputSize);
  }

  private checkRows(rows: number): void {
    if (!Number.isInteger(rows) || rows < 1 || rows > this.capacity) throw new Error(`MlpWasm: ${rows} rows, capacity ${this.capacity}`);
  }
}

/**
 * An MlpWasm kept in step with a parameter vector owned elsewhere (a value
 * function's, a discriminator's): parameters are copied in on first use after
 * markStale(), and the net is rebuilt larger when more rows are asked for.
 */
export class BoundMlp {
  private net: MlpWasm;
  private stale = true;

  constructor(
    private readonly params: Float32Array,
    layout: MlpLayout,
    capacity: number,
  ) {
    this.net = new MlpWasm(layout, capacity);
  }

  /** Call after changing the parameters. */
  markStale(): void {
    this.stale = true;
  }

  /** The net with the current parameters and room for at least `rows` rows. */
  get(rows: number): MlpWasm {
    if (rows > this.net.capacity) {
      this.net = new MlpWasm(this.net.layout, rows);
      this.stale = true;
    }
    if (this.stale) {
      this.net.setParams(this.params);
      this.stale = false;
    }
    return this.net;
  }
}
