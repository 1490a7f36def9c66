import { parseArgs } from 'node:util';
import { envSpec } from '../../../shared/envCatalog';
import { ImlabError } from '../../../shared/errors';
import { simStepFileSchema } from '../../../shared/simSchemas';
import { parseInput } from '../../../shared/validate';
import { simStep } from '../../core/sim/probe';
import { required } from '../args';
import type { Output } from '../output';
import { readJsonFile } from '../readJson';

export const SIM_HELP = `imlab sim step --env <id> --cases <file.json> [--json]
  For each case {qpos, qvel, action}: start from that state (a fresh reset, then
  set_state), report obsBefore, apply one env step, report obs, reward,
  terminated and every reward term.`;

export async function simCommand(argv: string[], out: Output): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'step') {
    throw new ImlabError('invalid_input', `Unknown sim command "${sub ?? ''}". Usage:\n${SIM_HELP}`, 'command');
  }
  const { values } = parseArgs({
    args: rest,
    options: { env: { type: 'string' }, cases: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const env = envSpec(required(values.env, 'env', 'an environment id, see `imlab envs`')).id;
  const path = required(values.cases, 'cases', 'a JSON file {"cases":[{"qpos":[…],"qvel":[…],"action":[…]}]}');
  const file = parseInput(simStepFileSchema, readJsonFile(path, 'cases'), path);
  const report = await simStep(env, file.cases);
  out.result(report, () =>
    report.results
      .map((r, i) => `case ${i}: reward ${r.reward} terminated ${r.terminated} terms ${JSON.stringify(r.terms)}\n  obs ${JSON.stringify(r.obs)}`)
      .join('\n'),
  );
}
