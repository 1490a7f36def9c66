import { parseArgs } from 'node:util';
import { ENV_IDS, envSpec } from '../../../shared/envCatalog';
import { ImlabError } from '../../../shared/errors';
import type { SimBenchReport } from '../../../shared/simSchemas';
import { benchSim } from '../../core/sim/benchSim';
import { integer, positiveInteger, positiveNumber } from '../args';
import { formatTable, type Output } from '../output';

export const BENCH_HELP = `imlab bench sim [--env <id>[,<id>…]] [--seconds S] [--num-envs N] [--seed K] [--json]
  Env steps/s with random actions against a bare mj_step loop replaying the same
  trajectory in the same process. Without --env: all environments.
  With one --env, --json prints one object; with several, an array.`;

export async function benchCommand(argv: string[], out: Output): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'sim') {
    throw new ImlabError('invalid_input', `Unknown bench "${sub ?? ''}". Usage:\n${BENCH_HELP}`, 'command');
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      env: { type: 'string', multiple: true },
      seconds: { type: 'string' },
      'num-envs': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const ids = values.env ? values.env.flatMap((e) => e.split(',')).map((e) => envSpec(e.trim()).id) : [...ENV_IDS];
  const seconds = positiveNumber(values.seconds, 'seconds', 5);
  const numEnvs = positiveInteger(values['num-envs'], 'num-envs', 1);
  const seed = integer(values.seed, 'seed', 0);
  const reports: SimBenchReport[] = [];
  for (const id of ids) {
    out.info(`benchmarking ${id} for ${seconds} s…`);
    reports.push(await benchSim(id, { seconds, numEnvs, seed }));
  }
  out.result(reports.length === 1 && values.env ? reports[0] : reports, () => simBenchTable(reports));
}

export function simBenchTable(reports: readonly SimBenchReport[]): string {
  return formatTable(
    ['env', 'env steps/s', 'physics steps/s', 'frame skip', 'ratio'],
    reports.map((r) => [r.env, Math.round(r.envStepsPerSec), Math.round(r.physicsStepsPerSec), r.frameSkip, r.ratio.toFixed(3)]),
  );
}
