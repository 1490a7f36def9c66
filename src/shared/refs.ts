/**
 * The references a run config's `policy` and `dataset` fields may hold instead
 * of a path: run:<id> (what that run produced), run:#<index> (a run of the
 * same batch, before it has an id: sweeps write these) and dataset:<id> (a
 * stored dataset). Parsed here and nowhere else.
 */
export const REF_FIELDS = ['policy', 'dataset'] as const;
export type RefField = (typeof REF_FIELDS)[number];

export type ConfigRef = { kind: 'run'; id: number } | { kind: 'batchRun'; index: number } | { kind: 'dataset'; id: number };

const REF = /^(run|dataset):(#?)(\d+)$/;

/** The reference a config value holds; null for a path or anything else. */
export function parseRef(value: unknown): ConfigRef | null {
  if (typeof value !== 'string') return null;
  const m = REF.exec(value);
  if (!m) return null;
  const n = Number(m[3]);
  if (m[1] === 'dataset') return m[2] ? null : { kind: 'dataset', id: n };
  return m[2] ? { kind: 'batchRun', index: n } : { kind: 'run', id: n };
}

/** A value that starts like a reference (run:…, dataset:…) but is not a valid one. */
export function isMalformedRef(value: string): boolean {
  return /^(run|dataset):/.test(value) && parseRef(value) === null;
}

export function formatRef(ref: ConfigRef): string {
  return ref.kind === 'batchRun' ? `run:#${ref.index}` : `${ref.kind}:${ref.id}`;
}

/** The references of a config's reference fields, in field order. */
export function configRefs(config: unknown): { field: RefField; ref: ConfigRef }[] {
  const out: { field: RefField; ref: ConfigRef }[] = [];
  if (typeof config !== 'object' || config === null) return out;
  for (const field of REF_FIELDS) {
    const ref = parseRef((config as Record<string, unknown>)[field]);
    if (ref) out.push({ field, ref });
  }
  return out;
}

/**
 * The value with references replaced wherever they stand (any field, any
 * depth, in lists too): each string that is a reference and that `f` maps to a
 * string becomes that string; undefined keeps it. The same object when nothing
 * changes.
 */
export function replaceRefs<T>(value: T, f: (ref: ConfigRef) => string | undefined): T {
  if (typeof value === 'string') {
    const ref = parseRef(value);
    const to = ref ? f(ref) : undefined;
    return (to === undefined ? value : to) as T;
  }
  if (Array.isArray(value)) {
    const items = value.map((v: unknown) => replaceRefs(v, f));
    return (items.some((v, i) => v !== value[i]) ? items : value) as T;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, replaceRefs(v, f)] as const);
    return (entries.some(([k, v]) => v !== (value as Record<string, unknown>)[k]) ? Object.fromEntries(entries) : value) as T;
  }
  return value;
}
