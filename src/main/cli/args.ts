import { ImlabError } from '../../shared/errors';

/** Reads a positive number option, naming the option in the error. */
export function positiveNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!Number.isFinite(x) || x <= 0) {
    throw new ImlabError('invalid_input', `--${option} must be a positive number, got "${value}".`, option);
  }
  return x;
}

export function positiveInteger(value: string | undefined, option: string, fallback: number): number {
  const x = positiveNumber(value, option, fallback);
  if (!Number.isInteger(x)) throw new ImlabError('invalid_input', `--${option} must be a whole number, got "${value}".`, option);
  return x;
}

export function integer(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!Number.isSafeInteger(x)) throw new ImlabError('invalid_input', `--${option} must be an integer, got "${value}".`, option);
  return x;
}

export function required(value: string | undefined, option: string, hint: string): string {
  if (value === undefined || value === '') {
    throw new ImlabError('invalid_input', `--${option} is required (${hint}).`, option);
  }
  return value;
}
