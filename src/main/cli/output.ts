/** How CLI commands print: JSON for programs (--json), aligned text for people. */
export interface Output {
  readonly json: boolean;
  /** Prints a result: as one JSON document with --json, else with `text`. */
  result(value: unknown, text: () => string): void;
  /** A progress line for people; silent with --json so stdout stays parseable. */
  info(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

/** A plain-text table with columns aligned; numbers right-aligned. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r: readonly string[], numeric: readonly boolean[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const numeric = headers.map((_, i) => rows.length > 0 && typeof rows[0][i] === 'number');
  return [line(headers, numeric), line(widths.map((w) => '-'.repeat(w)), numeric), ...cells.map((r) => line(r, numeric))].join('\n');
}

function formatNumber(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  if (Math.abs(x) >= 100) return x.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return x.toPrecision(3);
}
