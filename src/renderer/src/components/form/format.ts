/** Numbers as UI.md wants them: thousands separators, returns with one decimal, durations like "1 h 04 min". */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatReturn(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds < 1) return '< 1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${String(h % 24).padStart(2, '0')} h`;
}
