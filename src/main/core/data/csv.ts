/**
 * CSV exports (RFC 4180) of the results table and of run metrics, for
 * spreadsheets and pandas. Numbers keep full precision: String(x) is the
 * shortest text that parses back to the same float64.
 */
import { ImlabError } from '../../../shared/errors';
import type { ResultsTable } from '../../../shared/results';

export type CsvCell = string | number | boolean | null;

function field(cell: CsvCell): string {
  if (cell === null) return '';
  // String(-0) is "0"; keep the sign so every float64 reads back identically.
  if (Object.is(cell, -0)) return '-0';
  if (typeof cell !== 'string') return String(cell);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** One record per line, CRLF after every line (the last included); null is an empty field. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows]
    .map((row, i) => {
      if (row.length !== header.length) {
        throw new ImlabError('internal', `CSV row ${i} has ${row.length} fields but the header has ${header.length}.`);
      }
      return `${row.map(field).join(',')}\r\n`;
    })
    .join('');
}

export function resultsTableCsv(t: ResultsTable): string {
  return toCsv(
    ['env', 'method', 'variant', 'trajectories', 'mean', 'std', 'seeds', 'normalized_score', 'run_ids', 'last_evals_mean', 'last_evals_std', 'flagged'],
    t.rows.map((r) => [r.env, r.method, r.variant ?? null, r.trajectories, r.mean, r.std, r.seeds, r.normalized, r.runIds.join(';'), r.lastEvalsMean ?? null, r.lastEvalsStd ?? null, r.flagged ?? null]),
  );
}

export interface MetricPoint {
  step: number;
  envSteps: number;
  name: string;
  value: number | null;
}

/** Long format, one row per recorded point: every point, never downsampled. */
export function metricsCsv(rows: MetricPoint[]): string {
  return toCsv(
    ['step', 'env_steps', 'metric', 'value'],
    rows.map((r) => [r.step, r.envSteps, r.name, r.value]),
  );
}
