/**
 * What a run config's `policy` and `dataset` point at, checked when the run is
 * queued rather than when it starts: a run (run:<id>) that exists and makes
 * that kind of output for the same environment, a stored dataset
 * (dataset:<id>) of the same environment, or a readable file (or run folder)
 * that starts like an Imitation Lab policy or dataset. Errors name the field
 * and the reference, never what the file contains.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImlabError } from '../../../shared/errors';
import { isMalformedRef, parseRef, REF_FIELDS, type RefField } from '../../../shared/refs';
import { FILES } from '../runs/storage';
import type { Store } from '../store/store';


const PRODUCES: Record<RefField, { kinds: readonly string[]; file: string; format: string; what: string }> = {
  policy: { kinds: ['expert', 'bc', 'gail'], file: FILES.policy, format: 'imlab-policy/1', what: 'a policy' },
  dataset: { kinds: ['sample'], file: FILES.dataset, format: 'imlab-dataset/1', what: 'a dataset' },
};

/** How much of each end of a file is read to recognise it: the format tag is near the start (policies) or the end (datasets). */
const END_BYTES = 64 * 1024;

export function checkConfigRefs(config: Record<string, unknown>, store: Store): void {
  for (const field of REF_FIELDS) {
    const ref = config[field];
    if (typeof ref === 'string') checkRef(field, ref, String(config.env), store);
  }
}

function checkRef(field: RefField, value: string, env: string, store: Store): void {
  const p = PRODUCES[field];
  const ref = parseRef(value);
  if (ref?.kind === 'batchRun') return;
  if (ref?.kind === 'run') {
    const upstream = store.getRun(ref.id);
    if (!upstream) throw new ImlabError('not_found', `${field}: run ${ref.id} does not exist.`, field);
    if (!p.kinds.includes(upstream.kind)) throw new ImlabError('invalid_input', `${field}: run ${ref.id} is a ${upstream.kind} run, which does not produce ${p.what}.`, field);
    if (upstream.env !== env) throw new ImlabError('invalid_input', `${field}: run ${ref.id} is on ${upstream.env}, this run on ${env}.`, field);
    return;
  }
  if (ref?.kind === 'dataset') {
    if (field !== 'dataset') throw new ImlabError('invalid_input', `${field}: ${value} is a dataset, not a policy; use run:<id> or a policy file.`, field);
    const d = store.getDatasetRow(ref.id);
    if (!d) throw new ImlabError('not_found', `dataset: dataset ${ref.id} does not exist.`, field);
    if (d.env !== env) throw new ImlabError('invalid_input', `dataset: dataset ${ref.id} was recorded on ${d.env}, this run is on ${env}.`, field);
    return;
  }
  if (isMalformedRef(value)) throw new ImlabError('invalid_input', `${field}: ${value} is not a reference; use run:<id>${field === 'dataset' ? ', dataset:<id>' : ''} or a file path.`, field);
  checkFile(field, value);
}

function checkFile(field: RefField, ref: string): void {
  const p = PRODUCES[field];
  let file = resolve(ref);
  try {
    if (statSync(file).isDirectory()) file = join(file, p.file);
    if (!statSync(file).isFile()) throw new ImlabError('invalid_input', `${field}: ${ref} is not a regular file.`, field);
  } catch (e) {
    if (e instanceof ImlabError) throw e;
    throw new ImlabError('not_found', `${field}: ${ref} does not exist${file.endsWith(p.file) ? ` or has no ${p.file}` : ''}.`, field);
  }
  let head: string;
  let tail: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const size = statSync(file).size;
      const read = (at: number) => {
        const buf = Buffer.alloc(Math.min(END_BYTES, size));
        return buf.subarray(0, readSync(fd, buf, 0, buf.length, at)).toString('utf8');
      };
      head = read(0);
      tail = read(Math.max(0, size - END_BYTES));
    } finally {
      closeSync(fd);
    }
  } catch {
    throw new ImlabError('invalid_input', `${field}: ${ref} cannot be read.`, field);
  }
  const tag = `"format":"${p.format}"`;
  if (!head.trimStart().startsWith('{') || !(head.includes(tag) || tail.includes(tag))) {
    throw new ImlabError('invalid_input', `${field}: ${ref} is not ${p.what} file of Imitation Lab (${p.format}).`, field);
  }
}
