/**
 * Environment throughput against bare MuJoCo physics for all seven tasks.
 *   npm run bench:sim -- [--seconds S] [--num-envs N] [--json]
 * The ratio (env steps/s × frame skip ÷ physics steps/s, both measured in this
 * process on the same trajectory) is the figure to compare across machines.
 */
import { parseArgs } from 'node:util';
import { ENV_IDS } from '../src/shared/envCatalog';
import { benchSim } from '../src/main/core/sim/benchSim';
import { simBenchTable } from '../src/main/cli/commands/bench';
import { machineInfo } from './machine';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, 'num-envs': { type: 'string', default: '1' }, json: { type: 'boolean' } },
});
const seconds = Number(values.seconds);
const numEnvs = Number(values['num-envs']);
const results = [];
for (const id of ENV_IDS) {
  if (!values.json) process.stderr.write(`${id}…\n`);
  results.push(await benchSim(id, { seconds, numEnvs }));
}
const machine = machineInfo();
if (values.json) {
  process.stdout.write(`${JSON.stringify({ bench: 'sim', machine, results })}\n`);
} else {
  process.stdout.write(`${machine.date.slice(0, 10)} · ${machine.cpu} · ${machine.cores} cores · Node ${machine.node}\n\n`);
  process.stdout.write(`${simBenchTable(results)}\n`);
}
