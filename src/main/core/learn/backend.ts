/**
 * Chooses the tfjs backend once per process: native TensorFlow (tfjs-node,
 * optional) if it loads, else WebAssembly with SIMD, else plain JS. The chosen
 * name is recorded with every run, since numbers are reproducible per backend.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// Only the core and two backends: the full @tensorflow/tfjs bundle (layers,
// converter, data) triples the start-up time of every run process.
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let chosen: Promise<BackendName> | undefined;

/**
 * Initialises tfjs with the first backend that works, or with `preferred`
 * (e.g. from IMLAB_TF_BACKEND) when it is given and available.
 */
export function initBackend(preferred: BackendName | undefined = envPreference()): Promise<BackendName> {
  chosen ??= pick(preferred);
  return chosen;
}

function envPreference(): BackendName | undefined {
  const v = process.env.IMLAB_TF_BACKEND;
  return v === 'tensorflow' || v === 'wasm' || v === 'cpu' ? v : undefined;
}

async function pick(preferred: BackendName | undefined): Promise<BackendName> {
  // tfjs greets Node users on stdout unless told it is in production mode.
  tf.env().set('PROD', true);
  const order = preferred ? [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)] : BACKEND_ORDER;
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tryBackend(name)) return name;
      failures.push(`${name}: not available`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`No tfjs backend could start (${failures.join('; ')}).`);
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (name === 'tensorflow') {
    try {
      // Optional dependency: absent wherever libtensorflow could not be downloaded.
      await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
    } catch {
      return false;
    }
  }
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    setWasmPaths(`${dist}/`);
  }
  const ok = await tf.setBackend(name);
  if (ok) await tf.ready();
  return ok && tf.getBackend() === name;
}
