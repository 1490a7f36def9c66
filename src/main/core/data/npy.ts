/**
 * NumPy's .npy and .npz formats, without dependencies, for exchanging expert
 * data with Python tools.
 *
 * Reads .npy v1.0/2.0/3.0 headers; float32/64, int8–64, uint8–64 and bool in
 * either byte order; C or Fortran order (returned in C order). Writes
 * v1.0 (v2.0 for huge headers), C order, little-endian, as np.save does.
 * .npz is a ZIP of .npy members, stored or deflated; ZIP64 archives (members
 * over 4 GiB) are refused.
 *
 * Object arrays ('|O') are Python pickles and are never executed. A small
 * interpreter understands only what np.save writes for an object array whose
 * elements are numeric ndarrays (ragged episodes: pickle protocol 2, 3 or 4,
 * NumPy 1.x or 2.x): the globals numpy(._)core.multiarray._reconstruct,
 * numpy.ndarray, numpy.dtype and _codecs.encode (protocol 2's way of writing
 * bytes) are interpreted by the rules below, not imported. Any other opcode,
 * global or element type is refused with an error naming the array.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

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

const DTYPES: Record<NumericDtype, DtypeInfo> = {
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

const HOST_BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

const SUPPORTED = 'float32/64, int8–64, uint8–64 or bool';

/** Python's tuple notation, "(4, 1000, 17)" or "(3,)"; dimensions may be names, as "(N, L)". */
export function formatShape(shape: readonly (number | string)[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** "shape (4, 1000, 17), dtype float32", for messages. */
export function describeArray(a: NpyArray): string {
  return `shape ${formatShape(a.shape)}, dtype ${a.dtype === 'O' ? 'object' : DTYPES[a.dtype].numpy}`;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The values as numbers (int64 converted; beyond 2^53 they round). */
export function numericValues(a: NumericArray): ArrayLike<number> {
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) return Float64Array.from(a.data, Number);
  return a.data;
}

// ---------------------------------------------------------------- dtypes

type Descr = { dtype: NumericDtype; bigEndian: boolean } | { dtype: 'O' };

function parseDescr(descr: unknown, what: string): Descr {
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

function swapBytes(bytes: Uint8Array, size: number): void {
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

function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new NpyError(`${what} has an invalid shape ${JSON.stringify(shape)} in its header.`);
  }
  return shape as number[];
}

function decodeData(raw: Uint8Array, descr: { dtype: NumericDtype; bigEndian: boolean }, shape: number[], fortran: boolean, what: string): NumericArray {
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

// ---------------------------------------------------------------- .npy header

type PyLiteral = string | number | boolean | null | PyLiteral[] | Map<string, PyLiteral>;

/** Parses the Python literal of an .npy header (a dict of strings, booleans and tuples of ints). */
function parsePyLiteral(text: string, what: string): PyLiteral {
  let pos = 0;
  const fail = (): never => {
    throw new NpyError(`${what} has a malformed .npy header near character ${pos}: ${JSON.stringify(text.slice(0, 120))}.`);
  };
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const sequence = (close: string): PyLiteral[] => {
    const items: PyLiteral[] = [];
    for (;;) {
      skip();
      if (text[pos] === close) break;
      items.push(value());
      skip();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== close) fail();
    }
    pos++;
    return items;
  };
  const value = (): PyLiteral => {
    skip();
    const c = text[pos];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, pos + 1);
      if (end < 0) fail();
      const s = text.slice(pos + 1, end);
      if (s.includes('\\')) fail();
      pos = end + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      pos++;
      return sequence(c === '(' ? ')' : ']');
    }
    if (c === '{') {
      pos++;
      const dict = new Map<string, PyLiteral>();
      for (;;) {
        skip();
        if (text[pos] === '}') break;
        const key = value();
        skip();
        if (typeof key !== 'string' || text[pos] !== ':') fail();
        pos++;
        dict.set(key as string, value());
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== '}') fail();
      }
      pos++;
      return dict;
    }
    // Python 2 wrote long integers with an L suffix, e.g. (3L, 4L).
    const m = /^(-?\d+)L?|^(True|False|None)/.exec(text.slice(pos));
    if (!m) return fail();
    pos += m[0].length;
    if (m[1] !== undefined) return Number(m[1]);
    return m[2] === 'None' ? null : m[2] === 'True';
  };
  const result = value();
  skip();
  if (pos !== text.length) fail();
  return result;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function isNpy(buf: Uint8Array): boolean {
  return MAGIC.every((b, i) => buf[i] === b);
}

/** Reads one .npy file; `name` appears in every error message. */
export function readNpy(buf: Uint8Array, name = 'array'): NpyArray {
  if (!isNpy(buf) || buf.length < 10) throw new NpyError(`${name} is not an .npy array (the file does not start with \\x93NUMPY).`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const major = buf[6];
  if (major < 1 || major > 3) throw new NpyError(`${name} uses .npy format version ${major}.${buf[7]}; versions 1.0, 2.0 and 3.0 are supported.`);
  const [headerLength, start] = major === 1 ? [view.getUint16(8, true), 10] : [buf.length >= 12 ? view.getUint32(8, true) : Infinity, 12];
  if (start + headerLength > buf.length) throw new NpyError(`${name} is truncated: its .npy header is incomplete.`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(start, start + headerLength));
  const header = parsePyLiteral(text.trim(), name);
  if (!(header instanceof Map) || !header.has('descr') || !header.has('shape') || typeof header.get('fortran_order') !== 'boolean') {
    throw new NpyError(`${name} has an .npy header without descr, fortran_order and shape: ${JSON.stringify(text.trim().slice(0, 120))}.`);
  }
  const descr = parseDescr(header.get('descr'), name);
  const data = buf.subarray(start + headerLength);
  // np.load ignores the header's shape and order for object arrays: the pickle carries both.
  if (descr.dtype === 'O') return unpickleObjectArray(data, name);
  return decodeData(data, descr, checkShape(header.get('shape'), name), header.get('fortran_order') as boolean, name);
}

/** Writes a numeric array as np.save does: little-endian, C order, data aligned to 64 bytes. */
export function writeNpy(a: NumericArray): Buffer {
  const info = DTYPES[a.dtype];
  if (!(a.data instanceof info.ctor) || a.data.length !== product(a.shape)) {
    throw new RangeError(`writeNpy: ${a.dtype} data must be a ${info.ctor.name} of ${product(a.shape)} values for shape ${formatShape(a.shape)}.`);
  }
  const descr = `${info.size === 1 ? '|' : '<'}${a.dtype}`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(a.shape)}, }`;
  // Version 1.0 stores the header length in 16 bits; 2.0 (in 32) only when that overflows.
  const prefix = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 > 0xffff ? 12 : 10;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(padded, 0x20);
  header.set(MAGIC, 0);
  header[6] = prefix === 10 ? 1 : 2;
  header[7] = 0;
  if (prefix === 10) header.writeUInt16LE(padded - prefix, 8);
  else header.writeUInt32LE(padded - prefix, 8);
  header.write(dict, prefix, 'latin1');
  header[padded - 1] = 0x0a;
  const body = Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = Buffer.concat([header, body]);
  if (HOST_BIG_ENDIAN && info.size > 1) swapBytes(out.subarray(padded), info.size);
  return out;
}

// ---------------------------------------------------------------- .npz (ZIP)

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const STORED = 0;
const DEFLATED = 8;

function zip64Error(): NpyError {
  return new NpyError('the .npz archive uses ZIP64 (members over 4 GiB), which is not supported; split the data into smaller files.');
}

function findEndRecord(buf: Uint8Array, view: DataView): number {
  // The end record is 22 bytes plus a comment of up to 65535 bytes.
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === SIG_END) return at;
  }
  if (isNpy(buf)) throw new NpyError('the file is a single .npy array, not an .npz archive of named arrays.');
  if (buf.length >= 4 && view.getUint32(0, true) === SIG_LOCAL) {
    throw new NpyError('the .npz archive is truncated or corrupt: its ZIP central directory is missing.');
  }
  throw new NpyError('the file is not an .npz archive (not a ZIP file).');
}

/**
 * The .npy bytes of every member of an .npz archive, keyed by name without
 * ".npy" (as np.load names them). Members not ending in .npy are skipped.
 */
export function readNpzMembers(buf: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = findEndRecord(buf, view);
  if (end >= 20 && view.getUint32(end - 20, true) === SIG_ZIP64_LOCATOR) throw zip64Error();
  const entries = view.getUint16(end + 10, true);
  const cdSize = view.getUint32(end + 12, true);
  const cdOffset = view.getUint32(end + 16, true);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw zip64Error();
  if (cdOffset + cdSize > end) throw new NpyError('the .npz archive is truncated or corrupt: its central directory lies outside the file.');

  const members = new Map<string, Uint8Array>();
  const corrupt = (name: string, why: string): NpyError => new NpyError(`the .npz archive is corrupt: member ${name} ${why}.`);
  let at = cdOffset;
  for (let e = 0; e < entries; e++) {
    if (at + 46 > end || view.getUint32(at, true) !== SIG_CENTRAL) throw new NpyError('the .npz archive is corrupt: its central directory is damaged.');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const packedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const entryLength = 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(buf.subarray(at + 46, at + 46 + nameLength));
    at += entryLength;
    if (packedSize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw zip64Error();
    if (!name.endsWith('.npy')) continue;
    if (flags & 1) throw new NpyError(`member ${name} of the .npz archive is encrypted; save the arrays without a password.`);
    if (local + 30 > buf.length || view.getUint32(local, true) !== SIG_LOCAL) throw corrupt(name, 'has no local header where the directory says');
    // The local header's sizes may be ZIP64 placeholders (np.savez forces them); the central directory's are authoritative.
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + packedSize > buf.length) throw new NpyError(`the .npz archive is truncated: member ${name} is incomplete.`);
    const packed = buf.subarray(dataStart, dataStart + packedSize);
    let data: Uint8Array;
    if (method === STORED) data = packed;
    else if (method === DEFLATED) {
      try {
        data = inflateRawSync(packed, { maxOutputLength: Math.max(1, size) });
      } catch {
        throw corrupt(name, 'cannot be decompressed');
      }
    } else throw new NpyError(`member ${name} of the .npz archive uses ZIP compression method ${method}; only stored and deflated members (np.savez, np.savez_compressed) are supported.`);
    if (data.length !== size || crc32(data) !== crc) throw corrupt(name, 'fails its CRC check');
    const key = name.slice(0, -'.npy'.length);
    if (members.has(key)) throw new NpyError(`the .npz archive holds two arrays named ${key}.`);
    members.set(key, data);
  }
  return members;
}

/** Reads every array of an .npz archive. */
export function readNpz(buf: Uint8Array): Map<string, NpyArray> {
  return new Map([...readNpzMembers(buf)].map(([name, bytes]) => [name, readNpy(bytes, name)]));
}

/** Writes arrays (in key order) as np.savez (or np.savez_compressed with compress). */
export function writeNpz(arrays: Record<string, NumericArray>, options: { compress?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let count = 0;
  let offset = 0;
  for (const [key, array] of Object.entries(arrays)) {
    const name = Buffer.from(`${key}.npy`, 'utf8');
    const data = writeNpy(array);
    const packed = options.compress ? deflateRawSync(data) : data;
    if (data.length >= 0xffffffff || offset + packed.length >= 0xffffffff) throw new RangeError(`writeNpz: ${key} would need ZIP64, which is not supported.`);
    const method = options.compress ? DEFLATED : STORED;
    const crc = crc32(data);
    // Fixed DOS date 1980-01-01 00:00, so identical data gives identical files.
    const date = (1 << 5) | 1;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(SIG_CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
    count++;
  }
  const directory = Buffer.concat(centrals);
  const endRecord = Buffer.alloc(22);
  endRecord.writeUInt32LE(SIG_END, 0);
  if (count > 0xfffe) throw new RangeError('writeNpz: more than 65534 arrays would need ZIP64, which is not supported.');
  endRecord.writeUInt16LE(count, 8);
  endRecord.writeUInt16LE(count, 10);
  endRecord.writeUInt32LE(directory.length, 12);
  endRecord.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, endRecord]);
}

// ---------------------------------------------------------------- safe pickle subset

type Callable = 'reconstruct' | 'ndarray' | 'dtype' | 'encode';

class PyGlobal {
  constructor(readonly name: Callable) {}
}

class PyList {
  readonly items: PyValue[] = [];
}

class PyDtype {
  order = '|';
  built = false;
  constructor(readonly name: string) {}
}

class PyArray {
  value: NpyArray | null = null;
}

type PyValue = PyGlobal | PyList | PyDtype | PyArray | string | number | boolean | null | Uint8Array | readonly PyValue[];

const GLOBALS: Record<string, Callable> = {
  'numpy.core.multiarray._reconstruct': 'reconstruct',
  'numpy._core.multiarray._reconstruct': 'reconstruct',
  'numpy.ndarray': 'ndarray',
  'numpy.dtype': 'dtype',
  '_codecs.encode': 'encode',
};

/**
 * Interprets the pickle np.save writes for an object array of numeric arrays,
 * building plain data and never calling anything.
 */
function unpickleObjectArray(p: Uint8Array, what: string): ObjectArray {
  const refuse = (why: string): NpyError =>
    new NpyError(
      `${what} is an object array (a Python pickle) that cannot be read safely: ${why}. ` +
        'Only object arrays whose elements are numeric NumPy arrays are supported; otherwise save a padded numeric array ' +
        '(e.g. obs of shape (N, L, obs_dim) filled with zeros after each episode) together with ep_lens.',
    );
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  let pos = 0;
  const take = (n: number): number => {
    if (pos + n > p.length) throw refuse('the pickle is truncated');
    const at = pos;
    pos += n;
    return at;
  };
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const text = (n: number): string => {
    try {
      return utf8.decode(p.subarray(take(n), pos));
    } catch {
      throw refuse('the pickle holds an invalid string');
    }
  };
  const line = (): string => {
    const end = p.indexOf(0x0a, pos);
    if (end < 0) throw refuse('the pickle is truncated');
    return text(end - pos + 1).slice(0, -1);
  };

  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  const pop = (): PyValue => {
    if (stack.length === 0) throw refuse('the pickle is malformed (stack underflow)');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw refuse('the pickle is malformed (stack underflow)');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) throw refuse('the pickle is malformed (no MARK)');
    stack = outer;
    return items;
  };
  const popN = (n: number): PyValue[] => {
    if (stack.length < n) throw refuse('the pickle is malformed (stack underflow)');
    return stack.splice(stack.length - n, n);
  };
  const recall = (key: number): PyValue => {
    if (!memo.has(key)) throw refuse(`the pickle refers to memo entry ${key}, which was never stored`);
    return memo.get(key) as PyValue;
  };
  const list = (v: PyValue): PyList => {
    if (!(v instanceof PyList)) throw refuse('the pickle appends to something that is not a list');
    return v;
  };
  const global = (module: PyValue, name: PyValue): PyGlobal => {
    const callable = typeof module === 'string' && typeof name === 'string' ? GLOBALS[`${module}.${name}`] : undefined;
    if (!callable) throw refuse(`the pickle refers to ${String(module)}.${String(name)}, which is not allowed`);
    return new PyGlobal(callable);
  };

  const reduce = (fn: PyValue, args: PyValue): PyValue => {
    if (!(fn instanceof PyGlobal) || !Array.isArray(args)) throw refuse('the pickle calls something that is not an allowed function');
    const a = args as readonly PyValue[];
    switch (fn.name) {
      case 'reconstruct':
        if (!(a[0] instanceof PyGlobal) || a[0].name !== 'ndarray') throw refuse('_reconstruct is called for a type other than numpy.ndarray');
        return new PyArray();
      case 'dtype':
        if (typeof a[0] !== 'string') throw refuse('numpy.dtype is called without a type code');
        return new PyDtype(a[0]);
      case 'encode': {
        // Protocol 2 writes bytes as _codecs.encode(text, 'latin1'), each char one byte.
        const [s, encoding] = a;
        if (typeof s !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1') || /[^\0-\xff]/.test(s)) {
          throw refuse('_codecs.encode is called with arguments other than latin-1 text');
        }
        return Uint8Array.from(s, (c) => c.charCodeAt(0));
      }
      default:
        throw refuse(`the pickle calls numpy.${fn.name} directly`);
    }
  };

  const build = (target: PyValue, state: PyValue): void => {
    if (!Array.isArray(state)) throw refuse('the pickle sets a state that is not a tuple');
    const s = state as readonly PyValue[];
    if (target instanceof PyDtype && !target.built) {
      // (version, byte order, subarray, names, fields, elsize, alignment, flags[, metadata])
      if (typeof s[1] !== 'string' || s[2] !== null || s[3] !== null || s[4] !== null) throw refuse('an element has a structured or sub-array dtype');
      target.order = s[1];
      target.built = true;
      return;
    }
    if (target instanceof PyArray && target.value === null) {
      // (version, shape, dtype, is_fortran, data); NumPy also accepts it without the version.
      const [shape, dtype, fortran, data] = s.length === 5 ? s.slice(1) : s;
      if (!(dtype instanceof PyDtype) || !dtype.built || typeof fortran !== 'boolean') throw refuse('an array state is malformed');
      const descr = parseDescr(`${dtype.order}${dtype.name}`, what);
      const dims = checkShape(shape, what);
      if (descr.dtype !== 'O') {
        if (!(data instanceof Uint8Array)) throw refuse('a numeric array has no raw data');
        target.value = decodeData(data, descr, dims, fortran, `${what} (an element)`);
        return;
      }
      // Object data is a list of the elements in C order, whatever the flag says.
      if (!(data instanceof PyList) || data.items.length !== product(dims)) throw refuse('an object array has no element list of the right length');
      const items = data.items.map((item, i) => {
        const v = item instanceof PyArray ? item.value : null;
        if (!v || v.dtype === 'O') throw refuse(`element ${i} is not a numeric NumPy array`);
        return v;
      });
      target.value = { dtype: 'O', shape: dims, items };
      return;
    }
    throw refuse('the pickle sets the state of something other than a new array or dtype');
  };

  for (;;) {
    const at = pos;
    const op = p[take(1)];
    switch (op) {
      case 0x80: // PROTO
        take(1);
        break;
      case 0x95: // FRAME: only groups the opcodes that follow
        take(8);
        break;
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        stack.push(global(pop(), name));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(text(view.getUint32(take(4), true)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(p[take(1)]));
        break;
      case 0x42: {
        // BINBYTES
        const n = view.getUint32(take(4), true);
        stack.push(p.slice(take(n), pos));
        break;
      }
      case 0x43: {
        // SHORT_BINBYTES
        const n = p[take(1)];
        stack.push(p.slice(take(n), pos));
        break;
      }
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: {
        // TUPLE (popMark replaces the stack, so take the items before pushing)
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: // TUPLE3
        stack.push(popN(op - 0x84));
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(take(4), true));
        break;
      case 0x4b: // BININT1
        stack.push(p[take(1)]);
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(take(2), true));
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        stack.push(op === 0x88);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(reduce(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push(new PyList());
        break;
      case 0x6c: {
        // LIST
        const l = new PyList();
        for (const v of popMark()) l.items.push(v);
        stack.push(l);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        list(top()).items.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = list(top());
        for (const v of items) l.items.push(v);
        break;
      }
      case 0x71: // BINPUT
        memo.set(p[take(1)], top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(view.getUint32(take(4), true), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(recall(p[take(1)]));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(recall(view.getUint32(take(4), true)));
        break;
      case 0x2e: {
        // STOP
        const result = pop();
        if (!(result instanceof PyArray) || result.value?.dtype !== 'O') throw refuse('the pickle does not hold an object array');
        return result.value;
      }
      default:
        throw refuse(`it holds Python objects other than numeric NumPy arrays (pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at})`);
    }
  }
}
