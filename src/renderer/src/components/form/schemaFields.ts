/**
 * How a JSON Schema (from the zod config schemas) becomes form fields: which
 * input a schema gets, how typed text becomes a value, and where a field's
 * value sits in the config object. Text that is not a number stays text, so
 * the backend's validation — not this module — says what is wrong with it.
 */
import type { ConfigSchemas, JsonSchema } from '../../../../shared/configSchemas';
import { fieldPath } from '../../../../shared/validate';

export type FieldKind = 'group' | 'boolean' | 'choice' | 'choices' | 'number' | 'numbers' | 'text' | 'json' | 'fixed';
export type Path = readonly (string | number)[];

export function fieldKind(s: JsonSchema): FieldKind {
  if (s.const !== undefined) return 'fixed';
  if (s.type === 'object') return s.properties ? 'group' : 'json';
  if (s.type === 'boolean') return 'boolean';
  if (s.enum) return 'choice';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'array') {
    if (s.items?.enum) return 'choices';
    if (s.items?.type === 'integer' || s.items?.type === 'number') return 'numbers';
    return 'json';
  }
  if (s.type === 'string') return 'text';
  return 'json';
}

/** The field path as the backend names it in its errors ("gail.trpo.maxKl", "seeds[2]"). */
export function pathName(path: Path): string {
  return fieldPath(path);
}

/** Errors that belong to a field: its own, and those of its items ("seeds[1]" belongs to "seeds"). */
export function errorsOf(errors: Record<string, string>, path: Path): string[] {
  const name = pathName(path);
  return Object.entries(errors)
    .filter(([field]) => field === name || field.startsWith(`${name}[`))
    .map(([, message]) => message);
}

export function getIn(root: Record<string, unknown>, path: Path): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Sets a value, creating objects on the way; undefined removes the key (the default applies) and empties parents it leaves empty. */
export function setIn(root: Record<string, unknown>, path: Path, value: unknown): void {
  const parents: Record<string | number, unknown>[] = [];
  let o = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) {
    parents.push(o);
    if (o[k] === null || typeof o[k] !== 'object') {
      if (value === undefined) return;
      o[k] = {};
    }
    o = o[k] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    delete o[last];
    for (let i = parents.length - 1; i >= 0 && Object.keys(o).length === 0; i--) {
      delete parents[i][path[i]];
      o = parents[i];
    }
  } else o[last] = value;
}

/** "" → undefined (use the default); a number → the number; anything else stays as typed. */
export function parseNumberText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t.replace(/[_\s]/g, ''));
  return Number.isFinite(n) ? n : t;
}

/** "4, 11, 18" → [4, 11, 18]; "" → undefined; "[]" → [] (an empty list, e.g. no hidden layer); items that are not numbers stay as typed. */
export function parseListText(text: string): (number | string)[] | undefined {
  if (text.trim() === '') return undefined;
  if (/^\[\s*\]$/.test(text.trim())) return [];
  return text
    .split(/[,;\s]+/)
    .filter((t) => t !== '')
    .map((t) => parseNumberText(t) ?? t);
}

export function formatValue(v: unknown): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : v.join(', ');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** The range a schema allows, for the field's hint. */
export function rangeOf(s: JsonSchema): string {
  const t = s.type === 'array' ? s.items ?? {} : s;
  const lo = t.minimum !== undefined ? `≥ ${t.minimum}` : t.exclusiveMinimum !== undefined ? `> ${t.exclusiveMinimum}` : '';
  const hi = t.maximum !== undefined ? `≤ ${t.maximum}` : t.exclusiveMaximum !== undefined ? `< ${t.exclusiveMaximum}` : '';
  const kind = t.type === 'integer' ? 'integer' : t.type === 'number' ? 'number' : '';
  return [kind, lo, hi].filter(Boolean).join(', ');
}

export function hasNestedErrors(errors: Record<string, string>, path: Path): boolean {
  const name = pathName(path);
  return Object.keys(errors).some((f) => f.startsWith(`${name}.`) || f === name);
}

/**
 * The sweep's form schema: its expert/bc/gail settings are free-form records
 * in the sweep schema, so each is replaced by its run kind's schema without
 * the fields the sweep fills in itself.
 */
export function sweepFormSchema(schemas: ConfigSchemas): JsonSchema {
  const properties = { ...schemas.sweep.properties };
  for (const { section, kind, setBySweep } of schemas.sweepSections) {
    const run = schemas.runs[kind];
    const omit = new Set<string>(setBySweep);
    properties[section] = {
      type: 'object',
      description: properties[section]?.description,
      properties: Object.fromEntries(Object.entries(run.properties ?? {}).filter(([k]) => !omit.has(k))),
      required: (run.required ?? []).filter((k) => !omit.has(k)),
    };
  }
  return { ...schemas.sweep, properties };
}
