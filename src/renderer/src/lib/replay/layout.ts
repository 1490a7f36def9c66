/** Where each of 1–4 synchronised views sits on the one canvas (pixels, origin top-left). */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One row for up to three views, a 2 × 2 grid for four. */
export function viewRects(n: number, width: number, height: number): Rect[] {
  const cols = n === 4 ? 2 : Math.max(1, n);
  const rows = n === 4 ? 2 : 1;
  const w = Math.floor(width / cols);
  const h = Math.floor(height / rows);
  return Array.from({ length: n }, (_, i) => ({ x: (i % cols) * w, y: Math.floor(i / cols) * h, w, h }));
}
