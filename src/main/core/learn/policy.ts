/**
 * Gaussian MLP policy: mean = MLP(normalised obs), a state-independent log-std
 * (initialised to 0), observations normalised by a running mean/std clipped to
 * ±5. The same weights serve the batched passes of the updates and the
 * per-step forward of the rollouts (one row through the WebAssembly kernels:
 * ~1 µs for a 11→100→100→3 net, no tfjs dispatch per env step).
 */
import { ImlabError } from '../../../shared/errors';
import { decodeFloat32, encodeFloat32 } from '../math/base64';
import type { Rng } from '../math/rng';
import { RunningNorm, type RunningNormState } from '../math/runningNorm';
import { initMlpParams, MlpLayout } from './mlp';
import { MlpWasm } from './mlpWasm';

export interface PolicyFile {
  format: 'imlab-policy/1';
  env: string;
  obsDim: number;
  actDim: number;
  hiddenSizes: number[];
  /** Base64 of the Float32 MLP parameters. */
  params: string;
  logStd: number[];
  obsNorm: RunningNormState;
  actLow: number[];
  actHigh: number[];
}

export interface PolicyShape {
  env: string;
  obsDim: number;
  actDim: number;
  hiddenSizes: readonly number[];
  actLow: readonly number[];
  actHigh: readonly number[];
}

export class GaussianPolicy {
  readonly layout: MlpLayout;
  /** MLP parameters of the mean. */
  readonly params: Float32Array;
  readonly logStd: Float32Array;
  readonly obsNorm: RunningNorm;
  private readonly forward: MlpWasm;

  constructor(
    readonly shape: PolicyShape,
    params?: Float32Array,
    rng?: Rng,
  ) {
    this.layout = new MlpLayout([shape.obsDim, ...shape.hiddenSizes, shape.actDim]);
    if (params) {
      if (params.length !== this.layout.numParams) throw new Error(`policy has ${params.length} parameters, expected ${this.layout.numParams}`);
      this.params = params;
    } else {
      if (!rng) throw new Error('a new policy needs an Rng for its initial weights');
      this.params = initMlpParams(this.layout, rng, 0.01);
    }
    this.logStd = new Float32Array(shape.actDim);
    this.obsNorm = new RunningNorm(shape.obsDim);
    this.forward = new MlpWasm(this.layout, 1);
    this.syncForward();
  }

  get numFlat(): number {
    return this.layout.numParams + this.shape.actDim;
  }

  /** Call after changing params: refreshes the per-step forward's weight copy. */
  syncForward(): void {
    this.forward.setParams(this.params);
  }

  /** [MLP params…, logStd…] as float64, the vector TRPO optimises. */
  getFlat(out = new Float64Array(this.numFlat)): Float64Array {
    for (let i = 0; i < this.params.length; i++) out[i] = this.params[i];
    for (let j = 0; j < this.logStd.length; j++) out[this.params.length + j] = this.logStd[j];
    return out;
  }

  setFlat(flat: ArrayLike<number>): void {
    for (let i = 0; i < this.params.length; i++) this.params[i] = flat[i];
    for (let j = 0; j < this.logStd.length; j++) this.logStd[j] = flat[this.params.length + j];
    this.syncForward();
  }

  /**
   * Acts on one observation: writes the mean into `meanOut` and the action
   * (mean, or mean + σ·N(0,1) when stochastic) into `actionOut`.
   */
  act(
    obs: ArrayLike<number>,
    obsOffset: number,
    rng: Rng,
    deterministic: boolean,
    actionOut: Float64Array,
    actionOffset: number,
    meanOut?: Float64Array,
    meanOffset = 0,
  ): void {
    this.obsNorm.normalizeRow(obs, obsOffset, this.forward.input, 0);
    const mean = this.forward.forward(1);
    const d = this.shape.actDim;
    for (let j = 0; j < d; j++) {
      const m = mean[j];
      if (meanOut) meanOut[meanOffset + j] = m;
      actionOut[actionOffset + j] = deterministic ? m : m + Math.exp(this.logStd[j]) * rng.normal();
    }
  }

  toFile(): PolicyFile {
    return {
      format: 'imlab-policy/1',
      env: this.shape.env,
      obsDim: this.shape.obsDim,
      actDim: this.shape.actDim,
      hiddenSizes: [...this.shape.hiddenSizes],
      params: encodeFloat32(this.params),
      logStd: Array.from(this.logStd),
      obsNorm: this.obsNorm.getState(),
      actLow: [...this.shape.actLow],
      actHigh: [...this.shape.actHigh],
    };
  }

  static fromFile(f: PolicyFile): GaussianPolicy {
    if (f.format !== 'imlab-policy/1') throw new ImlabError('invalid_input', `not a policy file (format ${String(f.format)})`, 'policy');
    const p = new GaussianPolicy(
      { env: f.env, obsDim: f.obsDim, actDim: f.actDim, hiddenSizes: f.hiddenSizes, actLow: f.actLow, actHigh: f.actHigh },
      decodeFloat32(f.params),
    );
    p.logStd.set(f.logStd);
    p.obsNorm.setState(f.obsNorm);
    return p;
  }

  /** An independent copy (e.g. the best BC snapshot). */
  clone(): GaussianPolicy {
    return GaussianPolicy.fromFile(this.toFile());
  }
}
