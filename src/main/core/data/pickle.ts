/**
 * The pickles np.save writes for object arrays, read without executing them.
 * A small interpreter understands only what np.save writes for an object array
 * whose elements are numeric ndarrays (ragged episodes: pickle protocol 2, 3
 * or 4, NumPy 1.x or 2.x): the globals numpy(._)core.multiarray._reconstruct,
 * numpy.ndarray, numpy.dtype and _codecs.encode (protocol 2's way of writing
 * bytes) are interpreted by the rules below, not imported. Any other opcode,
 * global or element type is refused with an error naming the array.
 */
import { checkShape, decodeData, NpyError, parseDescr, product, type NpyArray, type ObjectArray } from './numpyArray';

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
export function unpickleObjectArray(p: Uint8Array, what: string): ObjectArray {
  return new Unpickler(p, what).run();
}

/** The pickle machine: a byte cursor, the stack with its marks, the memo, and the few calls it knows. */
class Unpickler {
  private pos = 0;
  private stack: PyValue[] = [];
  private readonly marks: PyValue[][] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly p: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  }

  run(): ObjectArray {
    for (;;) {
      const at = this.pos;
      const op = this.p[this.take(1)];
      const opcode = OPCODES[op];
      if (!opcode) throw this.refuse(`it holds Python objects other than numeric NumPy arrays (pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at})`);
      const result = opcode(this, op);
      if (result) return result;
    }
  }

  refuse(why: string): NpyError {
    return new NpyError(
      `${this.what} is an object array (a Python pickle) that cannot be read safely: ${why}. ` +
        'Only object arrays whose elements are numeric NumPy arrays are supported; otherwise save a padded numeric array ' +
        '(e.g. obs of shape (N, L, obs_dim) filled with zeros after each episode) together with ep_lens.',
    );
  }

  // ---- reading the bytes

  take(n: number): number {
    if (this.pos + n > this.p.length) throw this.refuse('the pickle is truncated');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.p[this.take(1)];
  }

  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }

  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }

  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return this.p.slice(at, this.pos);
  }

  text(n: number): string {
    const at = this.take(n);
    try {
      return this.utf8.decode(this.p.subarray(at, this.pos));
    } catch {
      throw this.refuse('the pickle holds an invalid string');
    }
  }

  line(): string {
    const end = this.p.indexOf(0x0a, this.pos);
    if (end < 0) throw this.refuse('the pickle is truncated');
    return this.text(end - this.pos + 1).slice(0, -1);
  }

  // ---- the stack, its marks and the memo

  push(v: PyValue): void {
    this.stack.push(v);
  }

  pop(): PyValue {
    if (this.stack.length === 0) throw this.refuse('the pickle is malformed (stack underflow)');
    return this.stack.pop() as PyValue;
  }

  top(): PyValue {
    if (this.stack.length === 0) throw this.refuse('the pickle is malformed (stack underflow)');
    return this.stack[this.stack.length - 1];
  }

  mark(): void {
    this.marks.push(this.stack);
    this.stack = [];
  }

  /** The items since the last MARK; the stack before it comes back. */
  popMark(): PyValue[] {
    const items = this.stack;
    const outer = this.marks.pop();
    if (!outer) throw this.refuse('the pickle is malformed (no MARK)');
    this.stack = outer;
    return items;
  }

  popN(n: number): PyValue[] {
    if (this.stack.length < n) throw this.refuse('the pickle is malformed (stack underflow)');
    return this.stack.splice(this.stack.length - n, n);
  }

  memoize(key: number): void {
    this.memo.set(key, this.top());
  }

  get memoSize(): number {
    return this.memo.size;
  }

  recall(key: number): PyValue {
    if (!this.memo.has(key)) throw this.refuse(`the pickle refers to memo entry ${key}, which was never stored`);
    return this.memo.get(key) as PyValue;
  }

  list(v: PyValue): PyList {
    if (!(v instanceof PyList)) throw this.refuse('the pickle appends to something that is not a list');
    return v;
  }

  // ---- the calls it knows

  global(module: PyValue, name: PyValue): PyGlobal {
    const callable = typeof module === 'string' && typeof name === 'string' ? GLOBALS[`${module}.${name}`] : undefined;
    if (!callable) throw this.refuse(`the pickle refers to ${String(module)}.${String(name)}, which is not allowed`);
    return new PyGlobal(callable);
  }

  reduce(fn: PyValue, args: PyValue): PyValue {
    if (!(fn instanceof PyGlobal) || !Array.isArray(args)) throw this.refuse('the pickle calls something that is not an allowed function');
    const a = args as readonly PyValue[];
    switch (fn.name) {
      case 'reconstruct':
        if (!(a[0] instanceof PyGlobal) || a[0].name !== 'ndarray') throw this.refuse('_reconstruct is called for a type other than numpy.ndarray');
        return new PyArray();
      case 'dtype':
        if (typeof a[0] !== 'string') throw this.refuse('numpy.dtype is called without a type code');
        return new PyDtype(a[0]);
      case 'encode': {
        // Protocol 2 writes bytes as _codecs.encode(text, 'latin1'), each char one byte.
        const [s, encoding] = a;
        if (typeof s !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1') || /[^\0-\xff]/.test(s)) {
          throw this.refuse('_codecs.encode is called with arguments other than latin-1 text');
        }
        return Uint8Array.from(s, (c) => c.charCodeAt(0));
      }
      default:
        throw this.refuse(`the pickle calls numpy.${fn.name} directly`);
    }
  }

  /** BUILD: sets the state of a new dtype or array. */
  build(target: PyValue, state: PyValue): void {
    if (!Array.isArray(state)) throw this.refuse('the pickle sets a state that is not a tuple');
    const s = state as readonly PyValue[];
    if (target instanceof PyDtype && !target.built) return this.buildDtype(target, s);
    if (target instanceof PyArray && target.value === null) return this.buildArray(target, s);
    throw this.refuse('the pickle sets the state of something other than a new array or dtype');
  }

  private buildDtype(target: PyDtype, s: readonly PyValue[]): void {
    // (version, byte order, subarray, names, fields, elsize, alignment, flags[, metadata])
    if (typeof s[1] !== 'string' || s[2] !== null || s[3] !== null || s[4] !== null) throw this.refuse('an element has a structured or sub-array dtype');
    target.order = s[1];
    target.built = true;
  }

  private buildArray(target: PyArray, s: readonly PyValue[]): void {
    // (version, shape, dtype, is_fortran, data); NumPy also accepts it without the version.
    const [shape, dtype, fortran, data] = s.length === 5 ? s.slice(1) : s;
    if (!(dtype instanceof PyDtype) || !dtype.built || typeof fortran !== 'boolean') throw this.refuse('an array state is malformed');
    const descr = parseDescr(`${dtype.order}${dtype.name}`, this.what);
    const dims = checkShape(shape, this.what);
    if (descr.dtype !== 'O') {
      if (!(data instanceof Uint8Array)) throw this.refuse('a numeric array has no raw data');
      target.value = decodeData(data, descr, dims, fortran, `${this.what} (an element)`);
      return;
    }
    // Object data is a list of the elements in C order, whatever the flag says.
    if (!(data instanceof PyList) || data.items.length !== product(dims)) throw this.refuse('an object array has no element list of the right length');
    const items = data.items.map((item, i) => {
      const v = item instanceof PyArray ? item.value : null;
      if (!v || v.dtype === 'O') throw this.refuse(`element ${i} is not a numeric NumPy array`);
      return v;
    });
    target.value = { dtype: 'O', shape: dims, items };
  }

  /** STOP: the pickle's result, which must be an object array. */
  stop(): ObjectArray {
    const result = this.pop();
    if (!(result instanceof PyArray) || result.value?.dtype !== 'O') throw this.refuse('the pickle does not hold an object array');
    return result.value;
  }
}

/** What each opcode np.save's pickles use does; any other opcode is refused. STOP answers the array. */
const OPCODES: Record<number, (u: Unpickler, op: number) => ObjectArray | void> = {
  0x80: (u) => void u.take(1), // PROTO
  0x95: (u) => void u.take(8), // FRAME: only groups the opcodes that follow
  0x63: (u) => {
    // GLOBAL
    const module = u.line();
    u.push(u.global(module, u.line()));
  },
  0x93: (u) => {
    // STACK_GLOBAL
    const name = u.pop();
    u.push(u.global(u.pop(), name));
  },
  0x58: (u) => u.push(u.text(u.u32())), // BINUNICODE
  0x8c: (u) => u.push(u.text(u.u8())), // SHORT_BINUNICODE
  0x42: (u) => u.push(u.bytes(u.u32())), // BINBYTES
  0x43: (u) => u.push(u.bytes(u.u8())), // SHORT_BINBYTES
  0x28: (u) => u.mark(), // MARK
  0x29: (u) => u.push([]), // EMPTY_TUPLE
  0x74: (u) => {
    // TUPLE (popMark brings the outer stack back, so take the items before pushing)
    const items = u.popMark();
    u.push(items);
  },
  0x85: (u, op) => u.push(u.popN(op - 0x84)), // TUPLE1
  0x86: (u, op) => u.push(u.popN(op - 0x84)), // TUPLE2
  0x87: (u, op) => u.push(u.popN(op - 0x84)), // TUPLE3
  0x4a: (u) => u.push(u.i32()), // BININT
  0x4b: (u) => u.push(u.u8()), // BININT1
  0x4d: (u) => u.push(u.u16()), // BININT2
  0x88: (u) => u.push(true), // NEWTRUE
  0x89: (u) => u.push(false), // NEWFALSE
  0x4e: (u) => u.push(null), // NONE
  0x52: (u) => {
    // REDUCE
    const args = u.pop();
    u.push(u.reduce(u.pop(), args));
  },
  0x62: (u) => {
    // BUILD
    const state = u.pop();
    u.build(u.top(), state);
  },
  0x5d: (u) => u.push(new PyList()), // EMPTY_LIST
  0x6c: (u) => {
    // LIST
    const l = new PyList();
    for (const v of u.popMark()) l.items.push(v);
    u.push(l);
  },
  0x61: (u) => {
    // APPEND
    const v = u.pop();
    u.list(u.top()).items.push(v);
  },
  0x65: (u) => {
    // APPENDS
    const items = u.popMark();
    const l = u.list(u.top());
    for (const v of items) l.items.push(v);
  },
  0x71: (u) => u.memoize(u.u8()), // BINPUT
  0x72: (u) => u.memoize(u.u32()), // LONG_BINPUT
  0x94: (u) => u.memoize(u.memoSize), // MEMOIZE
  0x68: (u) => u.push(u.recall(u.u8())), // BINGET
  0x6a: (u) => u.push(u.recall(u.u32())), // LONG_BINGET
  0x2e: (u) => u.stop(), // STOP
};
