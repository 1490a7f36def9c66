/**
 * The 2N episodes of one ARS iteration, on worker threads. Rollout 2k is
 * direction k at θ + νδₖ, rollout 2k + 1 at θ − νδₖ; each starts from a state
 * the run drew in that order from its env stream, and writes its returns,
 * length and the moments of the states it visited into a slot of its own in
 * shared memory. Threads take rollouts from a shared counter and the run
 * merges the slots in rollout order, so which thread ran which never shows in
 * the numbers: any number of workers gives the same run. The run's own thread
 * only waits, so a stop request reaches it mid-iteration: the workers finish
 * the episode they are in and take no more (an iteration on Humanoid can last
 * minutes; the queue's stop grace is 15 s).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { GaussianPolicy } from '../learn/policy';
import { MlpLayout } from '../learn/mlp';
import { Rng } from '../math/rng';
import { RowMoments } from '../math/runningNorm';
import { MujocoEnv } from '../sim/mujocoEnv';
import { SimModel } from '../sim/simModel';

export interface ArsRolloutSpec {
  env: string;
  hiddenSizes: number[];
  clipActions: boolean;
  rewardShift: number;
  noiseStd: number;
  directions: number;
}

const WORKER_ROLE = 'imlab-ars-rollouts';
/** Per rollout: the return on the shifted reward, the true return, the length. */
const RESULT_FIELDS = 3;

/** Shared memory of one run's iterations; every array is a view on a SharedArrayBuffer a worker can map too. */
export class ArsBuffers {
  readonly theta: Float64Array;
  /** N directions × P parameters. */
  readonly deltas: Float64Array;
  /** 2N start states, qpos then qvel. */
  readonly starts: Float64Array;
  /** The observation normaliser's state for this iteration: mean, var, then count. */
  readonly norm: Float64Array;
  readonly results: Float64Array;
  /** Per rollout: the visited states' mean, Σ(x − mean)², then their count. */
  readonly moments: Float64Array;
  /** [the next rollout to take, 1 when the iteration is to stop early]. */
  readonly next: Int32Array;

  constructor(
    readonly dims: { params: number; directions: number; obsDim: number; nq: number; nv: number },
    readonly memory = ArsBuffers.allocate(dims),
  ) {
    const [theta, deltas, starts, norm, results, moments, next] = memory;
    this.theta = new Float64Array(theta);
    this.deltas = new Float64Array(deltas);
    this.starts = new Float64Array(starts);
    this.norm = new Float64Array(norm);
    this.results = new Float64Array(results);
    this.moments = new Float64Array(moments);
    this.next = new Int32Array(next);
  }

  get rollouts(): number {
    return 2 * this.dims.directions;
  }

  get momentStride(): number {
    return 2 * this.dims.obsDim + 1;
  }

  private static allocate(d: ArsBuffers['dims']): SharedArrayBuffer[] {
    const n = 2 * d.directions;
    const f64 = (count: number) => new SharedArrayBuffer(8 * count);
    return [f64(d.params), f64(d.directions * d.params), f64(n * (d.nq + d.nv)), f64(2 * d.obsDim + 1), f64(n * RESULT_FIELDS), f64(n * (2 * d.obsDim + 1)), new SharedArrayBuffer(8)];
  }

  /** Rollout j's shifted return, true return and length. */
  result(j: number): { shifted: number; trueReturn: number; length: number } {
    const o = j * RESULT_FIELDS;
    return { shifted: this.results[o], trueReturn: this.results[o + 1], length: this.results[o + 2] };
  }
}

/** On a worker thread: rolls out whatever rollouts are left of the current iteration. */
class Roller {
  private readonly env: MujocoEnv;
  private readonly policy: GaussianPolicy;
  private readonly visited: RowMoments;
  private readonly action: Float64Array;
  /** Deterministic actions never draw from it; act() takes one all the same. */
  private readonly rng = new Rng(0);

  constructor(
    private readonly sim: SimModel,
    private readonly spec: ArsRolloutSpec,
    private readonly b: ArsBuffers,
  ) {
    const s = sim.spec;
    this.env = new MujocoEnv(sim, 0);
    this.policy = new GaussianPolicy(
      { env: s.id, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: spec.hiddenSizes, actLow: s.actLow, actHigh: s.actHigh },
      new Float32Array(new MlpLayout([s.obsDim, ...spec.hiddenSizes, s.actDim]).numParams),
    );
    this.visited = new RowMoments(s.obsDim);
    this.action = new Float64Array(s.actDim);
  }

  work(): void {
    const { b } = this;
    const d = b.dims.obsDim;
    this.policy.obsNorm.setState({ mean: Array.from(b.norm.subarray(0, d)), var: Array.from(b.norm.subarray(d, 2 * d)), count: b.norm[2 * d] });
    while (Atomics.load(b.next, 1) === 0) {
      const j = Atomics.add(b.next, 0, 1);
      if (j >= b.rollouts) return;
      this.rollout(j);
    }
  }

  private rollout(j: number): void {
    const { b, spec, env, policy, action, visited } = this;
    const s = this.sim.spec;
    const P = b.dims.params;
    const sign = j % 2 === 0 ? 1 : -1;
    const off = (j >> 1) * P;
    for (let i = 0; i < P; i++) policy.params[i] = b.theta[i] + sign * spec.noiseStd * b.deltas[off + i];
    policy.syncForward();
    const { nq, nv } = b.dims;
    const start = j * (nq + nv);
    env.resetTo(b.starts.subarray(start, start + nq), b.starts.subarray(start + nq, start + nq + nv));
    visited.clear();
    let shifted = 0;
    let trueReturn = 0;
    for (;;) {
      visited.add(env.obs);
      policy.act(env.obs, 0, this.rng, true, action, 0);
      if (spec.clipActions) for (let a = 0; a < s.actDim; a++) action[a] = Math.min(s.actHigh[a], Math.max(s.actLow[a], action[a]));
      const r = env.step(action);
      trueReturn += r.reward;
      shifted += r.reward - spec.rewardShift;
      if (r.terminated || r.truncated) break;
    }
    const o = j * RESULT_FIELDS;
    b.results[o] = shifted;
    b.results[o + 1] = trueReturn;
    b.results[o + 2] = env.elapsedSteps;
    const m = j * b.momentStride;
    const d = b.dims.obsDim;
    b.moments.set(visited.mean, m);
    b.moments.set(visited.m2, m + d);
    b.moments[m + 2 * d] = visited.count;
  }
}

interface WorkerData {
  role: typeof WORKER_ROLE;
  spec: ArsRolloutSpec;
  dims: ArsBuffers['dims'];
  memory: SharedArrayBuffer[];
}

type WorkerReply = { type: 'ready' } | { type: 'done' } | { type: 'error'; message: string };

/** `workers` threads, each with its own MuJoCo, sharing one iteration's rollouts. */
export class ArsRolloutPool {
  private constructor(
    private readonly threads: Worker[],
    private readonly b: ArsBuffers,
  ) {}

  static async start(spec: ArsRolloutSpec, b: ArsBuffers, workers: number): Promise<ArsRolloutPool> {
    const threads: Worker[] = [];
    const pool = new ArsRolloutPool(threads, b);
    try {
      for (let w = 0; w < Math.min(workers, b.rollouts); w++) {
        const t = startWorker({ role: WORKER_ROLE, spec, dims: b.dims, memory: b.memory });
        threads.push(t);
        await reply(t, 'ready');
      }
    } catch (e) {
      pool.dispose();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  /**
   * Runs the 2N rollouts the buffers describe. Resolves true when every slot
   * is written, false when `signal` stopped the iteration first (the slots
   * are then incomplete and the iteration must be run again).
   */
  async run(signal?: AbortSignal): Promise<boolean> {
    const { next } = this.b;
    Atomics.store(next, 0, 0);
    Atomics.store(next, 1, 0);
    const stop = () => Atomics.store(next, 1, 1);
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
    try {
      const done = this.threads.map((t) => reply(t, 'done'));
      for (const t of this.threads) t.postMessage('run');
      await Promise.all(done);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    return Atomics.load(next, 1) === 0;
  }

  dispose(): void {
    for (const t of this.threads) void t.terminate();
  }
}

/** A worker thread on this module; from source (TypeScript through tsx) it first registers tsx's loader, which worker threads do not inherit. */
function startWorker(data: WorkerData): Worker {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) return new Worker(self, { workerData: data });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(self.href)}); });`, { eval: true, workerData: data });
}

function reply(t: Worker, type: 'ready' | 'done'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerReply) => {
      if (m.type !== type && m.type !== 'error') return;
      cleanup();
      if (m.type === 'error') reject(new Error(`ARS rollout worker: ${m.message}`));
      else resolve();
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`ARS rollout worker exited (${code})`));
    };
    const cleanup = () => {
      t.off('message', onMessage);
      t.off('error', onError);
      t.off('exit', onExit);
    };
    t.on('message', onMessage);
    t.on('error', onError);
    t.on('exit', onExit);
  });
}

async function serveRollouts(d: WorkerData): Promise<void> {
  const port = parentPort!;
  try {
    const sim = await SimModel.load(d.spec.env);
    const roller = new Roller(sim, d.spec, new ArsBuffers(d.dims, d.memory));
    port.on('message', () => {
      try {
        roller.work();
        port.postMessage({ type: 'done' } satisfies WorkerReply);
      } catch (e) {
        port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply);
      }
    });
    port.postMessage({ type: 'ready' } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerReply);
  }
}

// The same module is the workers' entry: a thread started on it with this role serves rollouts.
if (!isMainThread && (workerData as Partial<WorkerData> | null)?.role === WORKER_ROLE) void serveRollouts(workerData as WorkerData);
