/**
 * CSV exports: RFC 4180 quoting and CRLF, numbers that parse back exactly,
 * empty fields for null, and the column order of the results and metrics files.
 */
import { describe, expect, it } from 'vitest';
import { metricsCsv, resultsTableCsv, toCsv } from '../../src/main/core/data/csv';
import { ImlabError } from '../../src/shared/errors';

/** A minimal RFC 4180 parser, to check that what is written reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  expect(cell === '' && row.length === 0).toBe(true);
  return rows;
}

describe('toCsv', () => {
  it('ends every line with CRLF and keeps the header order', () => {
    expect(toCsv(['b', 'a'], [[1, 2], [3, 4]])).toBe('b,a\r\n1,2\r\n3,4\r\n');
  });

  it('quotes fields with commas, quotes, CR or LF, doubling the quotes', () => {
    const cells = ['a,b', 'say "hi"', 'line1\nline2', 'cr\rhere', 'crlf\r\nend', 'plain', ' spaced '];
    const text = toCsv(['x', 'y', 'z', 'w', 'v', 'u', 't'], [cells]);
    expect(text.split('\r\n')[1]).toBe('"a,b","say ""hi""","line1\nline2","cr\rhere","crlf');
    expect(parseCsv(text)[1]).toEqual(cells);
  });

  it('writes numbers that parse back to the same float64 (sign of zero included), null as an empty field, booleans as words', () => {
    const numbers = [0.1 + 0.2, 1 / 3, -5e-324, 1.7976931348623157e308, 123456789012345680000, -0, 42, NaN, -Infinity];
    const line = toCsv(['n'], numbers.map((x) => [x])).split('\r\n').slice(1, -1);
    expect(line.slice(0, 6).map(Number)).toEqual(numbers.slice(0, 6));
    expect(line).toEqual(['0.30000000000000004', '0.3333333333333333', '-5e-324', '1.7976931348623157e+308', '123456789012345680000', '-0', '42', 'NaN', '-Infinity']);
    expect(toCsv(['a', 'b', 'c'], [[null, true, false]])).toBe('a,b,c\r\n,true,false\r\n');
  });

  it('refuses rows whose width differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [[1]])).toThrow(ImlabError);
  });
});

describe('results and metrics files', () => {
  it('writes one row per results row, run ids joined by semicolons, nulls empty', () => {
    const text = resultsTableCsv({
      rows: [
        { env: 'Hopper-v5', method: 'expert', trajectories: null, mean: 3571.25, std: 12.5, seeds: 1, normalized: null, runIds: [] },
        { env: 'Hopper-v5', method: 'gail', trajectories: 4, mean: 3400.1234567891, std: 40, seeds: 3, normalized: 0.9512, runIds: [7, 9, 12], lastEvalsMean: 3300.5, lastEvalsStd: 20, flagged: 1 },
        { env: 'Hopper-v5', method: 'bc', variant: 'loss "nll"', trajectories: 4, mean: 100, std: 1, seeds: 2, normalized: 0.02, runIds: [3, 4] },
      ],
    });
    expect(text).toBe(
      'env,method,variant,trajectories,mean,std,seeds,normalized_score,run_ids,last_evals_mean,last_evals_std,flagged\r\n' +
        'Hopper-v5,expert,,,3571.25,12.5,1,,,,,\r\n' +
        'Hopper-v5,gail,,4,3400.1234567891,40,3,0.9512,7;9;12,3300.5,20,1\r\n' +
        'Hopper-v5,bc,"loss ""nll""",4,100,1,2,0.02,3;4,,,\r\n',
    );
  });

  it('writes metrics in long format, every point kept', () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({ step: i, envSteps: i * 1024, name: i % 2 ? 'loss' : 'return', value: i === 3 ? null : i / 7 }));
    const rows = parseCsv(metricsCsv(points));
    expect(rows[0]).toEqual(['step', 'env_steps', 'metric', 'value']);
    expect(rows).toHaveLength(5001);
    expect(rows[4]).toEqual(['3', '3072', 'loss', '']);
    expect(rows.slice(1).map((r) => (r[3] === '' ? null : Number(r[3])))).toEqual(points.map((p) => p.value));
  });
});
