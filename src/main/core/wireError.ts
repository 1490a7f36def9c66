/**
 * How an error crosses a boundary, the one mapping every shell uses: the
 * Electron shell's IPC reply, the web shell's HTTP status and body, the CLI's
 * message and exit code. An ImlabError goes as it is; a filesystem error that
 * escaped becomes bad input naming the path, never a stack trace; a malformed
 * command line (node:util parseArgs) is bad input; anything else is internal.
 */
import { ImlabError, isImlabError, type ImlabErrorCode } from '../../shared/errors';

export interface WireError {
  code: ImlabErrorCode;
  message: string;
  field?: string;
}

/** Codes that mean the request was wrong (the caller can fix it), against a failure on our side. */
const REQUEST_CODES: ReadonlySet<ImlabErrorCode> = new Set(['unknown_env', 'invalid_action', 'invalid_state', 'invalid_input', 'invalid_config', 'not_found']);

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EADDRINUSE: 'address already in use',
};

/** An escaped filesystem error as one line naming the path. */
function filesystemError(e: Error): ImlabError | undefined {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code ? FS_REASONS[err.code] : undefined;
  if (!reason) return undefined;
  return new ImlabError('invalid_input', `${err.path ?? err.syscall ?? 'file'}: ${reason}.`, 'path');
}

export function toWireError(e: unknown): WireError {
  if (isImlabError(e)) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof Error)) return { code: 'internal', message };
  const fs = filesystemError(e);
  if (fs) return fs.toJSON();
  if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) return { code: 'invalid_input', message };
  return { code: 'internal', message };
}

/** True when the caller can fix what went wrong; false for our own failures (whose stack is worth printing if not an ImlabError). */
export function isRequestError(code: ImlabErrorCode): boolean {
  return REQUEST_CODES.has(code);
}

export function httpStatus(code: ImlabErrorCode): number {
  if (code === 'not_found') return 404;
  return isRequestError(code) ? 400 : 500;
}

/** The CLI's exit codes. */
export const CLI_EXIT = { succeeded: 0, failed: 1, badInput: 2 } as const;

export function cliExitCode(code: ImlabErrorCode): number {
  return isRequestError(code) ? CLI_EXIT.badInput : CLI_EXIT.failed;
}
