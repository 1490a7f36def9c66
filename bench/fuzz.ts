/**
 * The API fuzzing suite (test/helpers/apiFuzz.ts) for longer than npm test
 * can afford: random valid and invalid requests and injected faults over HTTP
 * against `imlab serve` on a temporary folder, with SIGKILL + restart of the
 * server every --kill-every cases.
 *   npm run bench:fuzz -- [--seconds 300] [--seed 1] [--kill-every 200] [--json]
 * Exits 1 when an invariant broke or any data was lost.
 */
import { parseArgs } from 'node:util';
import { ensureAppBuilt } from '../src/main/appBuild';
import { fuzzApi } from '../test/helpers/apiFuzz';
import { machineInfo } from './machine';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' }, 'kill-every': { type: 'string', default: '200' }, json: { type: 'boolean' } } });
const seconds = Number(values.seconds);
const seed = Number(values.seed);
const killEvery = Number(values['kill-every']);
if (!(seconds > 0 && Number.isSafeInteger(seed) && Number.isSafeInteger(killEvery) && killEvery >= 0)) {
  process.stderr.write('--seconds must be positive, --seed and --kill-every whole numbers\n');
  process.exit(2);
}
ensureAppBuilt((line) => process.stderr.write(`${line}\n`));
const report = await fuzzApi({ seed, timeLimitMs: seconds * 1000, killEvery, log: values.json ? undefined : (line) => process.stderr.write(`${line}\n`) });
const lost = report.dataLost.runs + report.dataLost.metricRows + report.dataLost.datasets;
const result = { machine: machineInfo(), ...report, casesPerSecond: report.cases / report.seconds, dataLostTotal: lost };
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  const accepted = Object.values(report.methods).reduce((n, m) => n + m.accepted, 0);
  process.stdout.write(
    [
      `cases ${report.cases} in ${report.seconds.toFixed(0)} s (${result.casesPerSecond.toFixed(1)}/s), seed ${seed}`,
      `answers by status: ${Object.entries(report.statuses).map(([s, n]) => `${s}: ${n}`).join(', ')}`,
      `valid requests accepted: ${accepted} over ${Object.keys(report.methods).length} methods`,
      `faults injected: ${report.faultsTotal} (${Object.entries(report.faults).map(([f, n]) => `${f} ${n}`).join(', ')}), server restarts ${report.restarts}`,
      `data lost: ${report.dataLost.runs} runs, ${report.dataLost.metricRows} metric rows, ${report.dataLost.datasets} datasets; integrity_check: ${report.integrity}`,
      `invariants: ${report.failure ?? 'all held'}`,
    ].join('\n') + '\n',
  );
}
process.exitCode = report.failure === null && lost === 0 && report.integrity === 'ok' ? 0 : 1;
