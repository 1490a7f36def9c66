/**
 * Errors a user can act on. Every error that crosses a boundary (CLI, IPC, HTTP)
 * is an ImlabError: a stable `code` for programs, the offending `field` when
 * there is one, and a message that says what was wrong and what is allowed.
 */
export type ImlabErrorCode =
  | 'unknown_env'
  | 'invalid_action'
  | 'invalid_state'
  | 'invalid_input'
  | 'invalid_config'
  | 'not_found'
  /** A run's numbers became non-finite (NaN or ±Infinity): the run stops, its last checkpoint stays usable. */
  | 'diverged'
  | 'internal';

export class ImlabError extends Error {
  readonly code: ImlabErrorCode;
  readonly field: string | undefined;

  constructor(code: ImlabErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ImlabError';
    this.code = code;
    this.field = field;
  }

  toJSON(): { code: ImlabErrorCode; message: string; field?: string } {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export function isImlabError(e: unknown): e is ImlabError {
  return e instanceof ImlabError;
}
