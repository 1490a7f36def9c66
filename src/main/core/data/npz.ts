/**
 * NumPy's .npz format: a ZIP archive of .npy members, stored (np.savez) or
 * deflated (np.savez_compressed), read and written without dependencies.
 * ZIP64 archives (members over 4 GiB) are refused.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { isNpy, readNpy, writeNpy } from './npy';
import { NpyError, type NpyArray, type NumericArray } from './numpyArray';

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
