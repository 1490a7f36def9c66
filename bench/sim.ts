/**
 * Environment throughput against bare MuJoCo physics for all seven tasks.
 *   npm run bench:sim -- [--seconds S] [--num-envs N] [--gymnasium] [--json]
 * The ratio (env steps/s × frame skip ÷ physics steps/s, both measured in this
 * process on the same trajectory) is the figure to compare across machines.
 * --gymnasium also times Gymnasium's own env (python3 with gymnasium and
 * mujoco installed) right after ours for each task, in the same sitting: a
 * speed against a peer means something only when both ran on one machine at
 * one time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ENV_IDS } from '../src/shared/envCatalog';
import { benchSim } from '../src/main/core/sim/benchSim';
import { simBenchTable } from '../src/main/cli/commands/bench';
import { formatTable } from '../src/main/cli/output';
import { machineInfo } from './machine';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    'num-envs': { type: 'string', default: '1' },
    gymnasium: { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const seconds = Number(values.seconds);
const numEnvs = Number(values['num-envs']);

interface GymnasiumReport {
  env: string;
  envStepsPerSec: number;
  gymnasium: string;
  mujoco: string;
}

function timeGymnasium(env: string): GymnasiumReport {
  const script = fileURLToPath(new URL('./gymnasium_sim.py', import.meta.url));
  const r = spawnSync('python3', [script, '--env', env, '--seconds', String(seconds / 2)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Gymnasium's bench failed (needs python3 with gymnasium==1.3.0 and mujoco==3.14.0):\n${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as GymnasiumReport;
}

const results = [];
const gymnasium: (GymnasiumReport & { oursEnvStepsPerSec: number; ratio: number })[] = [];
for (const id of ENV_IDS) {
  if (!values.json) process.stderr.write(`${id}…\n`);
  const ours = await benchSim(id, { seconds, numEnvs });
  results.push(ours);
  if (values.gymnasium) {
    const g = timeGymnasium(id);
    gymnasium.push({ ...g, oursEnvStepsPerSec: ours.envStepsPerSec, ratio: ours.envStepsPerSec / g.envStepsPerSec });
  }
}
const machine = machineInfo();
if (values.json) {
  process.stdout.write(`${JSON.stringify({ bench: 'sim', machine, results, ...(values.gymnasium ? { gymnasium } : {}) })}\n`);
} else {
  process.stdout.write(`${machine.date.slice(0, 10)} · ${machine.cpu} · ${machine.cores} cores · Node ${machine.node}\n\n`);
  process.stdout.write(`${simBenchTable(results)}\n`);
  if (values.gymnasium) {
    process.stdout.write(`\nAgainst Gymnasium ${gymnasium[0]?.gymnasium} (native MuJoCo ${gymnasium[0]?.mujoco}), same sitting, random actions:\n`);
    process.stdout.write(
      `${formatTable(
        ['env', 'ours env steps/s', 'Gymnasium env steps/s', 'ours ÷ Gymnasium'],
        gymnasium.map((g) => [g.env, Math.round(g.oursEnvStepsPerSec), Math.round(g.envStepsPerSec), g.ratio.toFixed(2)]),
      )}\n`,
    );
  }
}
