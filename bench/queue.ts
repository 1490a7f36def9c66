/**
 * Queue overhead: a sweep of trivial runs (a 1-episode evaluation of an
 * untrained InvertedPendulum policy, a few milliseconds of work each) through
 * the real coordinator, child processes included.
 *   npm run bench:queue -- [--runs 100] [--concurrency N] [--json]
 * Overhead per run = wall time × concurrency / runs − the runs' own time.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ENV_SPECS } from '../src/shared/envCatalog';
import { GaussianPolicy } from '../src/main/core/learn/policy';
import { Rng } from '../src/main/core/math/rng';
import { startCoordinator } from '../src/main/core/service';
import { ensureAppBuilt } from '../src/main/appBuild';
import { machineInfo } from './machine';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, concurrency: { type: 'string', default: String(availableParallelism()) }, json: { type: 'boolean' } } });
const runs = Number(values.runs);
const concurrency = Number(values.concurrency);
const root = mkdtempSync(join(tmpdir(), 'imlab-bench-queue-'));
const s = ENV_SPECS['InvertedPendulum-v5'];
const policyFile = join(root, 'policy.json');
writeFileSync(policyFile, JSON.stringify(new GaussianPolicy({ env: s.id, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [100, 100], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(0)).toFile()));

// Run processes start from the built bundle when it is fresh (tsx otherwise, several times slower).
ensureAppBuilt((line) => process.stderr.write(`${line}\n`));
const c = await startCoordinator({ appVersion: 'bench', home: join(root, 'home'), concurrency });
// When each run's process first reports (its 'started' event sets the backend).
const reportedAt = new Map<number, number>();
c.subscribe('runChanged', (r) => {
  if (r.backend && !reportedAt.has(r.id)) reportedAt.set(r.id, Date.now());
});
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const ids: number[] = [];
for (let i = 0; i < runs; i++) ids.push((await c.api.queueRun({ config: { kind: 'eval', env: s.id, seed: i, policy: policyFile, episodes: 1, mode: 'deterministic', saveTrajectories: false } })).id);
await c.queue.idle();
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const rows = ids.map((id) => c.store.getRunDetail(id)!);
const failed = rows.filter((r) => r.status !== 'succeeded');
const own = rows.map((r) => (r.summary as { wallSeconds: number } | null)?.wallSeconds ?? 0);
const ownMean = own.reduce((a, b) => a + b, 0) / own.length;
const lifetimes = rows.map((r) => ((r.finishedAt ?? 0) - (r.startedAt ?? 0)) / 1000);
const lifetimeMean = lifetimes.reduce((a, b) => a + b, 0) / lifetimes.length;
const startLatency = rows.map((r) => (reportedAt.get(r.id) ?? r.startedAt ?? 0) - (r.startedAt ?? 0));
const startLatencyMean = startLatency.reduce((a, b) => a + b, 0) / startLatency.length;
await c.close();
const overheadPerRun = (wall * concurrency) / runs - ownMean;
const result = {
  bench: 'queue',
  machine: machineInfo(),
  runs,
  concurrency,
  failed: failed.length,
  wallSeconds: wall,
  wallPerRunMs: (1000 * wall) / runs,
  runOwnMeanMs: 1000 * ownMean,
  processLifetimeMeanMs: 1000 * lifetimeMean,
  /** Launch to the run's first report: process start (a warm spare is already loaded) plus loading the run's inputs. */
  launchToStartedMeanMs: startLatencyMean,
  overheadPerRunMs: 1000 * overheadPerRun,
  /** CPU time of the coordinator itself (database, events, forking) per run. */
  coordinatorCpuPerRunMs: (cpu.user + cpu.system) / 1000 / runs,
  targetMs: 100,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else
  process.stdout.write(
    `${runs} trivial runs, concurrency ${concurrency}: ${wall.toFixed(1)} s wall (${result.wallPerRunMs.toFixed(0)} ms per run); ` +
      `each run's own work ${result.runOwnMeanMs.toFixed(0)} ms, process lifetime ${result.processLifetimeMeanMs.toFixed(0)} ms, launch to first report ${result.launchToStartedMeanMs.toFixed(0)} ms; ` +
      `overhead per run ${result.overheadPerRunMs.toFixed(0)} ms (target < 100)${failed.length ? `; ${failed.length} failed` : ''}\n`,
  );
