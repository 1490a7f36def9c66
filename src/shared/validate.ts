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
