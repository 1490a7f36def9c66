/**
 * The WebAssembly SIMD kernels of kernels/mlp.ts, each instance over a fixed
 * memory of its own (so views into it never detach). The module is compiled
 * once per process.
 */
import { MLP_KERNELS_WASM } from './mlpKernelsWasm';

export interface MlpKernels {
  /** C (m×n) (+)= A·B (+ bias), A(i, p) at a + 4·(i·sai + p·sap). See kernels/mlp.ts. */
  gemm(c: number, a: number, b: number, bias: number, m: number, k: number, n: number, sai: number, sap: number, acc: number): void;
  tanhInPlace(x: number, count: number): void;
  tanhBackward(g: number, h: number, count: number): void;
  columnSums(dst: number, src: number, rows: number, cols: number, acc: number): void;
  transpose(dst: number, src: number, rows: number, cols: number): void;
}

/** A float32 buffer in an arena: its byte offset for the kernels and a view for JS. */
export interface KernelBuffer {
  readonly ptr: number;
  readonly f32: Float32Array;
}

// The WebAssembly JS API as used here: its types live in lib.dom, which the
// Node side of the project does not include.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

function kernelModule(): object {
  compiled ??= new wasm.Module(Buffer.from(MLP_KERNELS_WASM, 'base64'));
  return compiled;
}

const PAGE = 65536;

export class KernelArena {
  readonly k: MlpKernels;
  private readonly memory: WasmMemory;
  private used = 0;

  /** Room for `floats` float32 values in buffers of any sizes adding up to at most that (each rounded up to 4). */
  constructor(readonly floats: number) {
    const pages = Math.max(1, Math.ceil((floats * 4 + 64) / PAGE));
    this.memory = new wasm.Memory({ initial: pages, maximum: pages });
    const instance = new wasm.Instance(kernelModule(), { env: { memory: this.memory } });
    this.k = instance.exports as unknown as MlpKernels;
  }

  /** A zeroed buffer of n floats, 16-byte aligned for the SIMD loads. */
  alloc(n: number): KernelBuffer {
    const rounded = Math.ceil(n / 4) * 4;
    if ((this.used + rounded) * 4 > this.memory.buffer.byteLength) throw new Error(`kernel arena of ${this.floats} floats is full`);
    const ptr = this.used * 4;
    this.used += rounded;
    return { ptr, f32: new Float32Array(this.memory.buffer, ptr, n) };
  }
}

/** Floats an arena needs for buffers of these sizes (alloc rounds each up to 4). */
export function arenaSize(sizes: readonly number[]): number {
  return sizes.reduce((s, n) => s + Math.ceil(n / 4) * 4, 0);
}
