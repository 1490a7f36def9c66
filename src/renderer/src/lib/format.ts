/** Number and time formats of the whole app (docs/contributing.md, "The renderer"): separators, one-decimal returns, `1 h 04 min`. */

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const one = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const DASH = '–';

const pad2 = (n: number) => String(n).padStart(2, '0');

export function fmtInt(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : int.format(x);
}

/** One decimal; whole from 10,000 up, where a tenth says nothing and HumanoidStandup's 157,977 ± 4,873 must fit the runs table's columns. */
export function fmtReturn(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return Math.abs(x) >= 10_000 ? int.format(x) : one.format(x);
}

/** `mean ± std` at one precision, the mean's: `3,102.6 ± 401.5`, `164,514 ± 58` (not `164,514 ± 58.3`). */
export function fmtMeanStd(mean: number | null | undefined, std: number | null | undefined): string {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return DASH;
  const f = Math.abs(mean) >= 10_000 ? int : one;
  return std === null || std === undefined || !Number.isFinite(std) ? f.format(mean) : `${f.format(mean)} ± ${f.format(std)}`;
}

/** A metric value: 4 significant digits, exponent for the very small or large. */
export function fmtValue(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** `45 s`, `12 min 05 s`, `1 h 04 min`, `2 d 03 h`. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return DASH;
  if (ms > 0 && ms < 1000) return '< 1 s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${pad2(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${pad2(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${pad2(h % 24)} h`;
}

/**
 * Time left as a glance needs it: `45 s`, `12 min`, `1 h 04 min`, `2 d 03 h`.
 * Seconds stop counting from a minute up, where a rate-based estimate has no
 * such precision, and the runs table's status cell has room for no more.
 */
export function fmtEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return DASH;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : fmtDuration(m * 60_000);
}


export function fmtDate(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A date in as few characters as tell it apart from `now`'s: `13:52` today,
 * `Dec 2 13:52` this year, `2025-12-02` before (fmtDate gives it whole).
 */
export function fmtShortDate(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined) return DASH;
  const d = new Date(ms);
  const n = new Date(now);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  if (d.getFullYear() !== n.getFullYear()) return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  if (d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return time;
  return `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}`;
}
