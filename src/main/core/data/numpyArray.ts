/**
 * NumPy arrays as the .npy, .npz and pickle readers hand them over: the
 * numeric dtypes this app reads and writes (float32/64, int8–64, uint8–64,
 * bool, in either byte order), decoding raw data into C-order typed arrays,
 * and the error every reader throws for a file it cannot read.
 */
export type NumericDtype = 'f4' | 'f8' | 'i1' | 'i2' | 'i4' | 'i8' | 'u1' | 'u2' | 'u4' | 'u8' | 'b1';

export type NumericData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** A numeric array in C order; int64/uint64 data are BigInt64Array/BigUint64Array, bool is Uint8Array of 0/1. */
export interface NumericArray {
  dtype: NumericDtype;
  shape: number[];
  data: NumericData;
}

/** An object array whose elements (in C order) are numeric arrays. */
export interface ObjectArray {
  dtype: 'O';
  shape: number[];
  items: NumericArray[];
}

export type NpyArray = NumericArray | ObjectArray;

/** A file that is not a readable .npy/.npz; the message names the array and what was wrong. */
export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

interface DtypeInfo {
  size: number;
  ctor: new (buffer: ArrayBuffer) => NumericData;
  /** NumPy's name, for messages. */
  numpy: string;
}

export const DTYPES: Record<NumericDtype, DtypeInfo> = {
  f4: { size: 4, ctor: Float32Array, numpy: 'float32' },
  f8: { size: 8, ctor: Float64Array, numpy: 'float64' },
  i1: { size: 1, ctor: Int8Array, numpy: 'int8' },
  i2: { size: 2, ctor: Int16Array, numpy: 'int16' },
  i4: { size: 4, ctor: Int32Array, numpy: 'int32' },
  i8: { size: 8, ctor: BigInt64Array, numpy: 'int64' },
  u1: { size: 1, ctor: Uint8Array, numpy: 'uint8' },
  u2: { size: 2, ctor: Uint16Array, numpy: 'uint16' },
  u4: { size: 4, ctor: Uint32Array, numpy: 'uint32' },
  u8: { size: 8, ctor: BigUint64Array, numpy: 'uint64' },
  b1: { size: 1, ctor: Uint8Array, numpy: 'bool' },
};

export const HOST_BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

const SUPPORTED = 'float32/64, int8–64, uint8–64 or bool';

/** Python's tuple notation, "(4, 1000, 17)" or "(3,)"; dimensions may be names, as "(N, L)". */
export function formatShape(shape: readonly (number | string)[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** "shape (4, 1000, 17), dtype float32", for messages. */
export function describeArray(a: NpyArray): string {
  return `shape ${formatShape(a.shape)}, dtype ${a.dtype === 'O' ? 'object' : DTYPES[a.dtype].numpy}`;
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The values as numbers (int64 converted; beyond 2^53 they round). */
export function numericValues(a: NumericArray): ArrayLike<number> {
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) return Float64Array.from(a.data, Number);
  return a.data;
}

type Descr = { dtype: NumericDtype; bigEndian: boolean } | { dtype: 'O' };

export function parseDescr(descr: unknown, what: string): Descr {
  if (typeof descr !== 'string') {
    throw new NpyError(`${what} has a structured dtype (${JSON.stringify(descr)}); only plain ${SUPPORTED} arrays are supported.`);
  }
  if (/^\|O\d*$/.test(descr)) return { dtype: 'O' };
  const m = /^([<>|])([fiub]\d)$/.exec(descr);
  const key = m?.[2] as NumericDtype | undefined;
  if (!m || !key || !(key in DTYPES) || (m[1] === '|') !== (DTYPES[key].size === 1)) {
    throw new NpyError(`${what} has dtype '${descr}', which is not supported; save it as ${SUPPORTED}.`);
  }
  return { dtype: key, bigEndian: m[1] === '>' };
}

export function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** Reorders items stored in Fortran order into C order. */
function fortranToC(src: Uint8Array, shape: readonly number[], size: number): Uint8Array {
  const out = new Uint8Array(src.length);
  const rank = shape.length;
  const strides = shape.map((_, k) => product(shape.slice(0, k)));
  const index = new Array<number>(rank).fill(0);
  const count = product(shape);
  let f = 0;
  for (let c = 0; c < count; c++) {
    for (let b = 0; b < size; b++) out[c * size + b] = src[f * size + b];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      f += strides[k];
      if (index[k] < shape[k]) break;
      f -= strides[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}

export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new NpyError(`${what} has an invalid shape ${JSON.stringify(shape)} in its header.`);
  }
  return shape as number[];
}

export function decodeData(raw: Uint8Array, descr: { dtype: NumericDtype; bigEndian: boolean }, shape: number[], fortran: boolean, what: string): NumericArray {
  const info = DTYPES[descr.dtype];
  const nbytes = product(shape) * info.size;
  if (raw.length !== nbytes) {
    const state = raw.length < nbytes ? 'is truncated' : 'is corrupt';
    throw new NpyError(`${what} ${state}: shape ${formatShape(shape)}, dtype ${info.numpy} needs ${nbytes} bytes of data but the file has ${raw.length}.`);
  }
  // A fresh, aligned copy: typed-array views need aligned offsets, and the caller's buffer may be reused.
  let bytes: Uint8Array = new Uint8Array(raw);
  if (descr.bigEndian !== HOST_BIG_ENDIAN && info.size > 1) swapBytes(bytes, info.size);
  if (fortran && shape.length > 1) bytes = fortranToC(bytes, shape, info.size);
  return { dtype: descr.dtype, shape, data: new info.ctor(bytes.buffer as ArrayBuffer) };
}
