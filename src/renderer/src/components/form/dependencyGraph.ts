/**
 * The sweep's runs as a small graph to draw: runs that differ only by seed
 * become one node ("gail k=4 × 5 seeds"), laid out in columns by dependency
 * depth and in one band per environment.
 */
import type { SweepPreviewRun } from '../../../../shared/configSchemas';

export interface GraphNode {
  key: string;
  label: string;
  kind: string;
  env: string;
  runs: number;
  depth: number;
  x: number;
  y: number;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: { from: GraphNode; to: GraphNode }[];
  width: number;
  height: number;
}

export const NODE_W = 230;
export const NODE_H = 30;
const GAP_X = 60;
const GAP_Y = 10;
const BAND_GAP = 18;

export function layoutGraph(runs: SweepPreviewRun[]): GraphLayout {
  const keyOf = (r: SweepPreviewRun) => `${r.env}|${r.kind}|${r.method}|${r.trajectories ?? ''}`;
  const byKey = new Map<string, { node: GraphNode; deps: Set<string> }>();
  const depth = new Array<number>(runs.length).fill(0);
  for (const r of runs) {
    depth[r.index] = r.dependsOn.reduce((d, i) => Math.max(d, depth[i] + 1), 0);
    const key = keyOf(r);
    let g = byKey.get(key);
    if (!g) {
      const what = r.kind === 'expert' ? `${r.env} expert (${r.method})` : r.kind === 'sample' ? 'sample' : `${r.method} k=${r.trajectories}`;
      g = { node: { key, label: what, kind: r.kind, env: r.env, runs: 0, depth: depth[r.index], x: 0, y: 0 }, deps: new Set() };
      byKey.set(key, g);
    }
    g.node.runs += 1;
    for (const d of r.dependsOn) g.deps.add(keyOf(runs[d]));
  }
  const nodes = [...byKey.values()].map((g) => g.node);
  for (const n of nodes) if (n.runs > 1) n.label += ` × ${n.runs} seeds`;
  const envs = [...new Set(nodes.map((n) => n.env))];
  let top = 0;
  let width = 0;
  for (const env of envs) {
    const inEnv = nodes.filter((n) => n.env === env);
    const columns = new Map<number, GraphNode[]>();
    for (const n of inEnv) columns.set(n.depth, [...(columns.get(n.depth) ?? []), n]);
    const rows = Math.max(...[...columns.values()].map((c) => c.length));
    const bandHeight = rows * (NODE_H + GAP_Y);
    for (const [d, column] of columns) {
      const offset = (bandHeight - column.length * (NODE_H + GAP_Y)) / 2;
      column.forEach((n, i) => {
        n.x = d * (NODE_W + GAP_X);
        n.y = top + offset + i * (NODE_H + GAP_Y);
        width = Math.max(width, n.x + NODE_W);
      });
    }
    top += bandHeight + BAND_GAP;
  }
  const edges = [...byKey.values()].flatMap((g) => [...g.deps].map((d) => ({ from: byKey.get(d)!.node, to: g.node })));
  return { nodes, edges, width, height: Math.max(0, top - BAND_GAP) };
}
