/**
 * The one way external input enters the app: parse with a zod schema and turn
 * the first problem into an ImlabError that names the field (e.g.
 * "cases[2].qpos") and says what was expected.
 */
import type { z } from 'zod';
import { ImlabError, type ImlabErrorCode } from './errors';

export function fieldPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  code: ImlabErrorCode = 'invalid_input',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = fieldPath(issue.path);
  throw new ImlabError(code, `${what}: ${field}: ${issue.message}`, field);
}

/** How deep a request may nest: real requests nest a handful of levels; recursion over 100k levels overflows the stack. */
export const MAX_NESTING = 32;

/**
 * Refuses a value nested deeper than `max` arrays/objects, naming the field
 * where it gets too deep. Walks with an explicit stack, so it cannot
 * overflow itself.
 */
export function assertNesting(value: unknown, what: string, max = MAX_NESTING): void {
  const stack: { v: unknown; path: readonly PropertyKey[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= max) {
      const field = fieldPath(path);
      throw new ImlabError('invalid_input', `${what}: ${field}: nested deeper than ${max} levels.`, field);
    }
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else for (const k of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
  }
}
