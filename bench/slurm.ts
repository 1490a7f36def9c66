/**
 * The Slurm executor's cost on a real cluster (scripts/slurm-local.sh start
 * gives a single-node one): short expert runs submitted through the
 * coordinator, measuring
 *   - submission overhead per run: the sbatch call (validated answer included),
 *   - coordinator CPU per run: its own process (tailing events files, squeue
 *     polling, the database) and, separately, the Slurm commands it ran,
 *   - job start to first metric row: Slurm's StartTime (whole seconds) to the
 *     coordinator storing the run's first metric row.
 * Jobs run the bundled job entry (out/main/jobProcess.js, as when it is
 * built and current), or with --entry source the TypeScript through tsx.
 *   npm run bench:slurm -- [--runs 6] [--steps 4096] [--partition debug] [--entry bundle|source] [--json]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SlurmCli } from '../src/main/core/queue/slurm/slurmCli';
import { jobCommand } from '../src/main/core/queue/slurm/slurmExecutor';
import { startCoordinator } from '../src/main/core/service';
import { machineInfo } from './machine';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '6' }, steps: { type: 'string', default: '4096' }, partition: { type: 'string', default: 'debug' }, entry: { type: 'string', default: 'bundle' }, json: { type: 'boolean' } },
});
const runs = Number(values.runs);
if (values.entry !== 'bundle' && values.entry !== 'source') throw new Error('--entry: expected bundle or source');
const entry = values.entry;
if (entry === 'bundle' && !existsSync(jobCommand('bundle').at(-1)!)) throw new Error('--entry bundle: out/main/jobProcess.js is not built (npm run build)');

/** The Slurm CLI with each sbatch call timed. */
class TimedCli extends SlurmCli {
  readonly sbatchMs: number[] = [];
  squeueCalls = 0;
  override async sbatch(args: string[], timeoutMs?: number): Promise<string> {
    const t = performance.now();
    const id = await super.sbatch(args, timeoutMs);
    this.sbatchMs.push(performance.now() - t);
    return id;
  }
  override async squeue() {
    this.squeueCalls++;
    return super.squeue();
  }
}

/** CPU seconds of this process's finished children (the Slurm commands), from /proc (Linux). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const loadAtStart = loadAverage();
const cli = new TimedCli();
const c = await startCoordinator({ appVersion: 'bench', home: mkdtempSync(join(tmpdir(), 'imlab-bench-slurm-')), slurm: { cli, command: jobCommand(entry) } });
const firstMetricAt = new Map<number, number>();
c.subscribe('metricsAppended', (m) => {
  if (!firstMetricAt.has(m.runId)) firstMetricAt.set(m.runId, Date.now());
});
const executor = { kind: 'slurm', partition: values.partition, timeLimit: '30' } as const;
// The setting check (sbatch --test-only, the data-folder probe job) happens once, before anything is queued.
const tCheck = performance.now();
await c.api.configureQueue({ executor });
const checkMs = performance.now() - tCheck;

const cpu0 = process.cpuUsage();
const children0 = childrenCpuSeconds();
const t0 = performance.now();
const ids: number[] = [];
for (let i = 0; i < runs; i++) {
  ids.push((await c.api.queueRun({ config: { kind: 'expert', env: 'InvertedPendulum-v5', seed: i, totalSteps: Number(values.steps), evalEvery: 0, finalEvalEpisodes: 1 } })).id);
}
await c.queue.idle();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const childrenCpu = childrenCpuSeconds() - children0;

const rows = ids.map((id) => c.store.getRun(id)!);
const startToMetric: number[] = [];
for (const r of rows) {
  const out = execFileSync('scontrol', ['show', 'job', '-o', r.placement!.jobId!], { encoding: 'utf8' });
  const start = /StartTime=(\S+)/.exec(out)?.[1];
  if (start && firstMetricAt.has(r.id)) startToMetric.push(firstMetricAt.get(r.id)! - new Date(start).getTime());
}
await c.close();

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
const result = {
  bench: 'slurm',
  machine: machineInfo(),
  runs,
  stepsPerRun: Number(values.steps),
  failed: rows.filter((r) => r.status !== 'succeeded').length,
  wallSeconds: wall,
  settingCheckMs: checkMs,
  sbatchMeanMs: mean(cli.sbatchMs),
  sbatchMaxMs: Math.max(...cli.sbatchMs),
  squeueCalls: cli.squeueCalls,
  coordinatorCpuPerRunMs: (cpu.user + cpu.system) / 1000 / runs,
  slurmCommandsCpuPerRunMs: (1000 * childrenCpu) / runs,
  jobStartToFirstMetricMeanMs: mean(startToMetric),
  jobStartToFirstMetricMaxMs: Math.max(...startToMetric),
  jobEntry: entry,
  loadAverage1mAtStart: loadAtStart,
  loadAverage1m: loadAverage(),
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else
  process.stdout.write(
    `${runs} expert runs of ${values.steps} steps on Slurm: ${wall.toFixed(1)} s wall${result.failed ? `, ${result.failed} failed` : ''}\n` +
      `  setting check (sbatch --test-only + probe job): ${checkMs.toFixed(0)} ms once\n` +
      `  submission (sbatch) per run: ${result.sbatchMeanMs.toFixed(0)} ms mean, ${result.sbatchMaxMs.toFixed(0)} ms max\n` +
      `  coordinator CPU per run: ${result.coordinatorCpuPerRunMs.toFixed(0)} ms (+ ${result.slurmCommandsCpuPerRunMs.toFixed(0)} ms in Slurm commands, ${cli.squeueCalls} squeue calls)\n` +
      `  job start to first metric row: ${result.jobStartToFirstMetricMeanMs.toFixed(0)} ms mean, ${result.jobStartToFirstMetricMaxMs.toFixed(0)} ms max (Slurm's start time has 1 s resolution)\n` +
      `  job entry: ${result.jobEntry}; load average (1 min) ${loadAtStart} at the start, ${result.loadAverage1m} at the end\n`,
  );
