/**
 * The .npy/.npz reader and writer: round trips for every dtype, files written
 * by NumPy (scripts/gen_npz_fixtures.py: byte orders, Fortran order, header
 * versions, savez and savez_compressed, pickled object arrays of protocols 2–4),
 * byte-identical output to np.save, and clear refusals of everything else.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/main/core/data/npy';
import { describeArray, type NpyArray, NpyError, type NumericArray, type NumericData, type NumericDtype } from '../../src/main/core/data/numpyArray';
import { readNpz, readNpzMembers, writeNpz } from '../../src/main/core/data/npz';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/npz/${name}`, import.meta.url));

function numeric(a: NpyArray): NumericArray {
  if (a.dtype === 'O') throw new Error('expected a numeric array');
  return a;
}

const values = (a: NpyArray): (number | bigint)[] => Array.from(numeric(a).data as ArrayLike<number | bigint>);

/** The error a call throws, to check its type and message together. */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

const SAMPLES: Record<NumericDtype, NumericData> = {
  f4: Float32Array.of(1.5, -2.25, 3e38, 0),
  f8: Float64Array.of(0.1, -1e300, 5e-324, Math.PI),
  i1: Int8Array.of(-128, 0, 127, 5),
  i2: Int16Array.of(-32768, 1, 32767, -5),
  i4: Int32Array.of(-(2 ** 31), 2, 2 ** 31 - 1, -7),
  i8: BigInt64Array.of(-(2n ** 63n), 3n, 2n ** 63n - 1n, -9n),
  u1: Uint8Array.of(0, 1, 255, 9),
  u2: Uint16Array.of(0, 2, 65535, 9),
  u4: Uint32Array.of(0, 3, 2 ** 32 - 1, 9),
  u8: BigUint64Array.of(0n, 4n, 2n ** 64n - 1n, 9n),
  b1: Uint8Array.of(1, 0, 1, 1),
};

/** An .npy file with the given header dict and payload, as a writer other than ours would produce. */
function npyWith(dict: string, payload: Uint8Array, version = 1): Buffer {
  const prefix = version === 1 ? 10 : 12;
  const text = Buffer.from(`${dict}\n`, 'latin1');
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(text.length, 8);
  else head.writeUInt32LE(text.length, 8);
  return Buffer.concat([head, text, payload]);
}

describe('.npy round trips', () => {
  for (const [dtype, data] of Object.entries(SAMPLES) as [NumericDtype, NumericData][]) {
    it(`writes and reads ${dtype} identically`, () => {
      const a: NumericArray = { dtype, shape: [2, 2], data };
      const back = numeric(readNpy(writeNpy(a)));
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual([2, 2]);
      expect(back.data.constructor).toBe(data.constructor);
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(data as ArrayLike<number | bigint>));
    });
  }

  it('keeps 0-d, empty and 3-D shapes, with data aligned to 64 bytes as np.save does', () => {
    for (const shape of [[], [0, 3], [2, 3, 4], [5]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const buf = writeNpy({ dtype: 'f8', shape, data: Float64Array.from({ length: count }, (_, i) => i / 3) });
      expect((buf.length - count * 8) % 64).toBe(0);
      const back = numeric(readNpy(buf));
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data as Float64Array)).toEqual(Array.from({ length: count }, (_, i) => i / 3));
    }
  });

  it('refuses data that does not match the shape or dtype', () => {
    expect(() => writeNpy({ dtype: 'f4', shape: [3], data: new Float32Array(2) })).toThrow(/Float32Array of 3 values/);
    expect(() => writeNpy({ dtype: 'f4', shape: [2], data: new Float64Array(2) })).toThrow(RangeError);
  });
});

describe('.npy files written by NumPy', () => {
  it('writes byte-identical files to np.save (savez members of every dtype)', () => {
    const members = readNpzMembers(fixture('dtypes.npz'));
    expect([...members.keys()]).toEqual(['f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']);
    for (const [name, bytes] of members) {
      expect(writeNpy(numeric(readNpy(bytes, name))).equals(Buffer.from(bytes))).toBe(true);
      expect(values(readNpy(bytes, name))).toEqual(Array.from(SAMPLES[name as NumericDtype] as ArrayLike<number | bigint>).slice(0, 3));
    }
  });

  it('reads big-endian data', () => {
    const a = numeric(readNpy(fixture('big_endian_f8.npy')));
    expect(a).toMatchObject({ dtype: 'f8', shape: [2, 3] });
    expect(values(a)).toEqual([-1, -0.75, -0.5, -0.25, 0, 0.25]);
  });

  it('returns Fortran-order data in C order', () => {
    const a = numeric(readNpy(fixture('fortran_i4.npy')));
    expect(a).toMatchObject({ dtype: 'i4', shape: [2, 3, 4] });
    expect(values(a)).toEqual(Array.from({ length: 24 }, (_, i) => i - 5));
    const b = numeric(readNpy(fixture('fortran_big_endian_f4.npy')));
    expect(b).toMatchObject({ dtype: 'f4', shape: [3, 2] });
    expect(values(b)).toEqual([0, 1.5, 3, 4.5, 6, 7.5]);
  });

  it('reads 0-d and empty arrays and v2.0/v3.0 headers', () => {
    expect(numeric(readNpy(fixture('scalar_f8.npy')))).toMatchObject({ shape: [], data: Float64Array.of(2.5) });
    expect(numeric(readNpy(fixture('empty_f4.npy')))).toMatchObject({ shape: [0, 3], data: new Float32Array(0) });
    for (const name of ['v2_header_f4.npy', 'v3_header_f4.npy']) expect(values(readNpy(fixture(name)))).toEqual([0, 1, 2]);
  });

  it('reads Python 2 headers with long integers', () => {
    const a = readNpy(npyWith("{'descr': '<i4', 'fortran_order': False, 'shape': (2L,), }", new Uint8Array(Int32Array.of(4, -4).buffer)));
    expect(values(a)).toEqual([4, -4]);
  });

  it('refuses unsupported dtypes, naming the array and the dtype', () => {
    expect(thrown(() => readNpy(fixture('unicode.npy'), 'names')).message).toBe(
      "names has dtype '<U2', which is not supported; save it as float32/64, int8–64, uint8–64 or bool.",
    );
    const e = thrown(() => readNpy(fixture('structured.npy'), 'obs'));
    expect(e).toBeInstanceOf(NpyError);
    expect(e.message).toMatch(/^obs has a structured dtype/);
  });

  it('refuses truncated and malformed files with what was wrong', () => {
    const whole = fixture('big_endian_f8.npy');
    expect(thrown(() => readNpy(whole.subarray(0, whole.length - 8), 'obs')).message).toBe(
      'obs is truncated: shape (2, 3), dtype float64 needs 48 bytes of data but the file has 40.',
    );
    expect(thrown(() => readNpy(whole.subarray(0, 40), 'obs')).message).toBe('obs is truncated: its .npy header is incomplete.');
    expect(thrown(() => readNpy(Buffer.from('hello world'), 'obs')).message).toMatch(/^obs is not an \.npy array/);
    const v9 = Buffer.from(whole);
    v9[6] = 9;
    expect(thrown(() => readNpy(v9, 'obs')).message).toBe('obs uses .npy format version 9.0; versions 1.0, 2.0 and 3.0 are supported.');
    expect(thrown(() => readNpy(npyWith("{'descr': '<f8', 'shape': (1,)}", new Uint8Array(8)), 'obs')).message).toMatch(/without descr, fortran_order and shape/);
    expect(thrown(() => readNpy(npyWith("{'descr': '<f8', 'fortran_order': False, 'shape': (1,", new Uint8Array(8)), 'obs')).message).toMatch(/malformed \.npy header/);
  });
});

describe('object arrays (pickles, never executed)', () => {
  const expectRagged = (a: NpyArray): void => {
    if (a.dtype !== 'O') throw new Error('expected an object array');
    expect(a.shape).toEqual([3]);
    expect(a.items.map((x) => [x.dtype, x.shape])).toEqual([
      ['f4', [3, 2]],
      ['f8', [2, 3]],
      ['i8', [2]],
    ]);
    expect(values(a.items[0])).toEqual([0, 1, 2, 3, 4, 5]);
    // The second element was Fortran-ordered in Python.
    expect(values(a.items[1])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values(a.items[2])).toEqual([7n, -8n]);
  };

  it('reads arrays of numeric arrays as NumPy 2 writes them (protocol 4)', () => expectRagged(readNpy(fixture('object_p4.npy'))));
  it('reads NumPy 1.x pickles (protocol 3, numpy.core)', () => expectRagged(readNpy(fixture('object_p3_numpy1.npy'))));
  it('reads protocol 2 pickles (bytes as _codecs.encode)', () => expectRagged(readNpy(fixture('object_p2.npy'))));

  it('describes object arrays', () => {
    expect(describeArray(readNpy(fixture('object_p4.npy')))).toBe('shape (3,), dtype object');
  });

  it('refuses object arrays of anything but numeric arrays, telling the user what to save instead', () => {
    const e = thrown(() => readNpy(fixture('object_unsafe.npy'), 'obs'));
    expect(e).toBeInstanceOf(NpyError);
    expect(e.message).toMatch(/^obs is an object array \(a Python pickle\) that cannot be read safely: /);
    expect(e.message).toMatch(/save a padded numeric array .* together with ep_lens\.$/);
  });

  it('never calls functions other than the few it interprets', () => {
    // pickle.dumps(os.system('ls')) as Python writes it, behind an object-array header.
    const evil = Buffer.from('\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.', 'latin1');
    const file = npyWith("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", evil);
    expect(thrown(() => readNpy(file, 'obs')).message).toMatch(/cannot be read safely: the pickle refers to posix\.system, which is not allowed/);
  });

  it('refuses truncated pickles and unknown opcodes', () => {
    const p4 = fixture('object_p4.npy');
    expect(thrown(() => readNpy(p4.subarray(0, p4.length - 30), 'obs')).message).toMatch(/cannot be read safely/);
    // BINFLOAT (a Python float) is not part of an array of arrays.
    const float = Buffer.from('\x80\x04G?\xf0\x00\x00\x00\x00\x00\x00.', 'latin1');
    const file = npyWith("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", float);
    expect(thrown(() => readNpy(file, 'obs')).message).toMatch(/it holds Python objects other than numeric NumPy arrays \(pickle opcode 0x47 at byte 2\)/);
  });
});

describe('.npz archives', () => {
  it('reads np.savez (stored) and np.savez_compressed (deflated) archives', () => {
    for (const name of ['pendulum_equal.npz', 'pendulum_compressed.npz']) {
      const arrays = readNpz(fixture(name));
      expect([...arrays.keys()].sort()).toEqual(['acs', 'ep_rets', 'obs', 'rews']);
      expect(arrays.get('obs')).toMatchObject({ dtype: 'f8', shape: [3, 5, 4] });
      expect(arrays.get('acs')).toMatchObject({ dtype: 'f4', shape: [3, 5, 1] });
    }
  });

  it('round-trips stored and compressed archives, preserving key order', () => {
    const arrays = {
      obs: { dtype: 'f4', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
      ep_lens: { dtype: 'i8', shape: [2], data: BigInt64Array.of(3n, 1n) },
      flags: { dtype: 'b1', shape: [1], data: Uint8Array.of(1) },
    } satisfies Record<string, NumericArray>;
    for (const compress of [false, true]) {
      const back = readNpz(writeNpz(arrays, { compress }));
      expect([...back.keys()]).toEqual(['obs', 'ep_lens', 'flags']);
      for (const [k, a] of Object.entries(arrays)) expect(back.get(k)).toEqual(a);
    }
  });

  it('writes the same bytes for the same data', () => {
    const a = { x: { dtype: 'f8', shape: [1], data: Float64Array.of(1) } } satisfies Record<string, NumericArray>;
    expect(writeNpz(a, { compress: true }).equals(writeNpz(a, { compress: true }))).toBe(true);
  });

  it('refuses truncated, corrupt and non-ZIP files', () => {
    expect(thrown(() => readNpz(fixture('truncated.npz'))).message).toBe('the .npz archive is truncated or corrupt: its ZIP central directory is missing.');
    expect(thrown(() => readNpz(fixture('corrupt.npz'))).message).toMatch(/^the \.npz archive is corrupt: member \w+\.npy (cannot be decompressed|fails its CRC check)\.$/);
    expect(thrown(() => readNpz(fixture('scalar_f8.npy'))).message).toBe('the file is a single .npy array, not an .npz archive of named arrays.');
    expect(thrown(() => readNpz(Buffer.from('a,b\r\n1,2\r\n'))).message).toBe('the file is not an .npz archive (not a ZIP file).');
  });

  it('detects a stored member whose bytes changed', () => {
    const buf = Buffer.from(fixture('pendulum_equal.npz'));
    buf[buf.indexOf('\x93NUMPY') + 200] ^= 1;
    expect(thrown(() => readNpz(buf)).message).toMatch(/fails its CRC check/);
  });

  it('refuses ZIP64 archives clearly', () => {
    const buf = Buffer.from(writeNpz({ x: { dtype: 'u1', shape: [1], data: Uint8Array.of(1) } }));
    buf.writeUInt32LE(0xffffffff, buf.length - 6); // central directory offset: "see the ZIP64 record"
    expect(thrown(() => readNpz(buf)).message).toMatch(/uses ZIP64 \(members over 4 GiB\), which is not supported/);
  });
});
