/**
 * NumPy's .npy format, without dependencies, for exchanging expert data with
 * Python tools. Reads .npy v1.0/2.0/3.0 headers, C or Fortran order (returned
 * in C order); an object array ('|O') is handed to the safe unpickler
 * (pickle.ts). Writes v1.0 (v2.0 for huge headers), C order, little-endian,
 * as np.save does.
 */
import { checkShape, decodeData, DTYPES, formatShape, HOST_BIG_ENDIAN, NpyError, parseDescr, product, swapBytes, type NpyArray, type NumericArray } from './numpyArray';
import { unpickleObjectArray } from './pickle';

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

export function isNpy(buf: Uint8Array): boolean {
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
