/**
 * The GAIL-paper pipeline end to end on one environment (default Hopper-v5):
 * expert (TRPO) → 25 sampled trajectories → BC and GAIL with k trajectories
 * (subsampling every 20th pair) × seeds, in parallel child processes, then
 * the paper-shaped table of final true returns (mean ± std over seeds).
 *   npm run bench:learn -- [--expert-steps 1000000] [--gail-steps 3000000]
 *     [--bc-iterations 10000] [--ks 4,11,25] [--seeds 3] [--concurrency N]
 *     [--reuse-expert DIR] [--out DIR] [--json]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunSummary } from '../src/shared/progress';
import type { RunConfigInput } from '../src/shared/runConfigs';
import { machineInfo } from './machine';

const { values } = parseArgs({
  options: {
    env: { type: 'string', default: 'Hopper-v5' },
    'expert-steps': { type: 'string', default: '1000000' },
    'gail-steps': { type: 'string', default: '3000000' },
    'bc-iterations': { type: 'string', default: '10000' },
    ks: { type: 'string', default: '4,11,25' },
    seeds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: String(availableParallelism()) },
    'reuse-expert': { type: 'string' },
    out: { type: 'string', default: 'bench-results/learn' },
    json: { type: 'boolean' },
  },
});
const env = values.env!;
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const ks = values.ks!.split(',').map(Number);
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs one config through the CLI in a child process; resolves with its summary. */
function run(name: string, config: RunConfigInput): Promise<RunSummary> {
  const dir = join(out, name);
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'bench-config.json');
  writeFileSync(configPath, JSON.stringify(config));
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'run', '--config', configPath, '--out', dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      const lines = b.toString().trim().split('\n');
      last = lines[lines.length - 1] || last;
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name} failed (${code}): ${stderr}`));
      const summary = JSON.parse(last) as RunSummary;
      log(`${name}: ${summary.finalEval?.mean.toFixed(1)} ± ${summary.finalEval?.std.toFixed(1)} (${summary.envSteps} steps, ${summary.wallSeconds.toFixed(0)} s)`);
      resolveRun(summary);
    });
  });
}

async function pool<T>(jobs: (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

const start = performance.now();
const preset = JSON.parse(readFileSync(`resources/presets/${env.replace('-v5', '')}-expert-trpo.json`, 'utf8')) as RunConfigInput & { kind: 'expert' };
let expertDir = values['reuse-expert'] ? resolve(values['reuse-expert']) : join(out, 'expert');
let expertSummary: RunSummary;
if (values['reuse-expert']) {
  expertSummary = JSON.parse(readFileSync(join(expertDir, 'summary.json'), 'utf8')) as RunSummary;
} else {
  expertSummary = await run('expert', { ...preset, totalSteps: Number(values['expert-steps']) });
  expertDir = join(out, 'expert');
}
const sample = await run('sample', { kind: 'sample', env: env as 'Hopper-v5', policy: expertDir, episodes: 25, seed: 0 } as RunConfigInput);
const dataset = join(out, 'sample');

const jobs: { method: 'bc' | 'gail'; k: number; seed: number }[] = [];
for (const k of ks) for (const seed of seeds) for (const method of ['gail', 'bc'] as const) jobs.push({ method, k, seed });
const summaries = await pool(
  jobs.map((j) => () =>
    run(`${j.method}-k${j.k}-s${j.seed}`, {
      kind: j.method,
      env,
      seed: j.seed,
      dataset,
      trajectories: j.k,
      expertSubsample: 20,
      finalEvalEpisodes: 50,
      ...(j.method === 'gail'
        ? { totalSteps: Number(values['gail-steps']), evalEvery: 25, checkpointEvery: 25, trpo: { fvpSubsample: 5 } }
        : { iterations: Number(values['bc-iterations']), evalEvery: 0 }),
    } as RunConfigInput),
  ),
  Number(values.concurrency),
);

const stats = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, std: Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length), seeds: xs.length };
};
const rows = ks.map((k) => {
  const of = (method: string) => stats(jobs.flatMap((j, i) => (j.method === method && j.k === k ? [summaries[i].finalEval!.mean] : [])));
  return { k, bc: of('bc'), gail: of('gail') };
});
const expertData = sample.details as Record<string, number>;
const result = {
  bench: 'learn',
  machine: machineInfo(),
  env,
  budgets: { expertSteps: expertSummary.envSteps, gailSteps: Number(values['gail-steps']), bcIterations: Number(values['bc-iterations']), expertSubsample: 20 },
  expert: { finalEval: expertSummary.finalEval, sampledMeanReturn: expertData.meanReturn, sampledStdReturn: expertData.stdReturn },
  rows,
  wallSeconds: (performance.now() - start) / 1000,
};
writeFileSync(join(out, 'result.json'), JSON.stringify(result, null, 2));
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const f = (s: { mean: number; std: number }) => `${s.mean.toFixed(0)} ± ${s.std.toFixed(0)}`;
  process.stdout.write(`${env}: expert ${f(expertSummary.finalEval!)} (deterministic), sampled data ${expertData.meanReturn.toFixed(0)} ± ${expertData.stdReturn.toFixed(0)}\n`);
  process.stdout.write(`#traj | BC | GAIL   (final deterministic return, mean ± std over ${seeds.length} seeds)\n`);
  for (const r of rows) process.stdout.write(`${r.k} | ${f(r.bc)} | ${f(r.gail)}\n`);
  process.stdout.write(`wall time ${(result.wallSeconds / 60).toFixed(1)} min\n`);
}
