/** CLI exports (results and metrics CSV, datasets as .npz) and dataset imports. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ImlabError } from '../../../shared/errors';
import { dataHome } from '../../core/home';
import { checkExportTarget, writeExportAtomically } from '../exportFile';
import { positiveInteger, required } from '../args';
import type { Output } from '../output';
import { withConnection, homeOption } from './queueCommands';

export const TRANSFER_HELP = `imlab export results [--sweep ID] --out <file.csv> [--force]
imlab export metrics <run> --out <file.csv> [--force]   every stored row, long format
imlab export dataset <id> --out <file.npz> [--force]    OpenAI-baselines layout (obs, acs, rews, ep_rets, ep_lens)
  An export never overwrites an existing file without --force, and never
  writes into the data folder's database, lock or run folders.
imlab import dataset <file.npz> --env <id> [--name …] [--json]
  Accepts ep_rets or rets; equal-length (N, L, d) arrays, padded arrays with
  ep_lens, flat (steps, d) arrays with ep_lens, and ragged object arrays of
  numeric arrays (read without running pickles). A file that does not fit the
  environment is refused whole, naming the array and its shape.`;

export async function exportCommand(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: homeOption(argv).rest,
    options: { out: { type: 'string' }, sweep: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [what, idArg] = positionals;
  // Checked before the service is reached, and again just before writing.
  const target = () => checkExportTarget(required(values.out, 'out', 'the file to write'), dataHome(homeOption(argv).home), values.force ?? false);
  target();
  return withConnection(argv, 'read', async (c) => {
    switch (what) {
      case 'results': {
        const r = await c.api.exportResultsCsv({ sweepId: values.sweep ? positiveInteger(values.sweep, 'sweep', 1) : undefined });
        const file = target();
        writeExportAtomically(file, r.csv);
        out.result({ file, bytes: Buffer.byteLength(r.csv) }, () => `wrote the results table to ${file}`);
        return 0;
      }
      case 'metrics': {
        const r = await c.api.exportMetricsCsv({ runId: positiveInteger(required(idArg, 'run', 'a run id'), 'run', 1) });
        const file = target();
        writeExportAtomically(file, r.csv);
        out.result({ file, rows: r.rows }, () => `wrote ${r.rows} metric rows to ${file}`);
        return 0;
      }
      case 'dataset': {
        const r = await c.api.exportDatasetNpz({ datasetId: positiveInteger(required(idArg, 'dataset', 'a dataset id, see `imlab datasets`'), 'dataset', 1) });
        const bytes = Buffer.from(r.base64, 'base64');
        const file = target();
        writeExportAtomically(file, bytes);
        out.result({ file, bytes: bytes.length }, () => `wrote the dataset to ${file} (${bytes.length} bytes)`);
        return 0;
      }
      default:
        throw new ImlabError('invalid_input', `export what? Use results, metrics or dataset, got "${what ?? ''}".`, 'what');
    }
  });
}

export async function importCommand(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args: homeOption(argv).rest,
    options: { env: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [what, path] = positionals;
  if (what !== 'dataset') throw new ImlabError('invalid_input', `import what? Only "dataset" can be imported, got "${what ?? ''}".`, 'what');
  const file = required(path, 'file', 'an .npz file');
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw new ImlabError('invalid_input', `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, 'file');
  }
  const env = required(values.env, 'env', 'the environment the data was recorded on');
  return withConnection(argv, 'write', async (c) => {
    const r = await c.api.importDatasetNpz({ env, name: values.name, data: data.toString('base64') });
    out.result(r, () => `imported dataset ${r.id}: ${r.trajectories} trajectories, ${r.steps} steps, mean return ${r.meanReturn.toFixed(1)} ± ${r.stdReturn.toFixed(1)}`);
    return 0;
  });
}
