/**
 * Which settings tell runs of one env × method apart. The results table pools
 * a cell's runs over seeds only: runs that differ in any other setting (a
 * loss, a learning rate, the expert data) must not be averaged into one
 * number, so each distinct configuration gets its own cell, labelled with the
 * settings in which it differs from the others.
 */

/** Fields that vary inside one cell by design, or name a run rather than configure it. */
const POOLED = new Set(['seed', 'name', 'trajectories']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Dotted path → value for every leaf of a config, the pooled fields left out. */
export function flattenConfig(config: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: Json, path: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const k of Object.keys(v).sort()) {
        if (path === '' && POOLED.has(k)) continue;
        walk(v[k], path ? `${path}.${k}` : k);
      }
    } else {
      out.set(path, JSON.stringify(v));
    }
  };
  walk(config as Json, '');
  return out;
}

/** A key equal for two configs exactly when they differ in pooled fields only. */
export function configKey(config: Record<string, unknown>): string {
  return JSON.stringify([...flattenConfig(config)]);
}

/**
 * For each distinct configuration (by configKey), the label of the settings in
 * which the configurations differ, e.g. `loss "nll" · learningRate 0.0001`; a
 * setting one config lacks shows as "unset". One configuration: no labels.
 */
export function variantLabels(configs: Record<string, unknown>[]): Map<string, string> {
  const flat = new Map<string, Map<string, string>>();
  for (const c of configs) flat.set(configKey(c), flattenConfig(c));
  const labels = new Map<string, string>();
  if (flat.size < 2) return labels;
  const paths = [...new Set([...flat.values()].flatMap((f) => [...f.keys()]))].sort();
  const differing = paths.filter((p) => new Set([...flat.values()].map((f) => f.get(p) ?? 'unset')).size > 1);
  for (const [key, f] of flat) labels.set(key, differing.map((p) => `${p} ${f.get(p) ?? 'unset'}`).join(' · '));
  return labels;
}
