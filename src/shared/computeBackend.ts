/**
 * What computed a run's numbers, as its `backend` is recorded. Every MLP pass
 * of the rollouts, TRPO, PPO, the value function and the discriminator runs on
 * the project's WebAssembly SIMD kernels; only Behavioral Cloning's training (a
 * bc run, GAIL's warm start) runs on tfjs, whose backend is recorded with it
 * because those numbers are reproducible per tfjs backend
 * (docs/algorithms.md, "Where the arithmetic runs").
 */

export interface RunCompute {
  compute: 'wasm-kernels';
  /** The tfjs backend Behavioral Cloning trained on, or null when tfjs computed nothing. */
  tfBackend: string | null;
}

/** The recorded `backend` text: 'wasm-kernels', or e.g. 'wasm-kernels+tfjs-wasm'. */
export function backendLabel(c: RunCompute): string {
  return c.tfBackend === null ? c.compute : `${c.compute}+tfjs-${c.tfBackend}`;
}

const LABEL = /^wasm-kernels(?:\+tfjs-(\w+))?$/;

/**
 * A recorded backend for people: "WASM kernels" or "WASM kernels + tfjs (wasm)".
 * Runs recorded before compute was tracked stored the tfjs backend loaded in
 * their process (wasm, tensorflow, cpu; js for sample and eval runs): shown as
 * it was, marked as such.
 */
export function describeBackend(recorded: string | null): string {
  if (recorded === null) return '–';
  const m = LABEL.exec(recorded);
  if (!m) return `${recorded} (tfjs backend, recorded by an older version)`;
  return m[1] ? `WASM kernels + tfjs (${m[1]})` : 'WASM kernels';
}

/** The same for a narrow table cell: "kernels", "kernels+tf wasm", or an older record as it was. */
export function abbreviateBackend(recorded: string | null): string {
  if (recorded === null) return '–';
  const m = LABEL.exec(recorded);
  if (!m) return recorded;
  return m[1] ? `kernels+tf ${m[1]}` : 'kernels';
}
