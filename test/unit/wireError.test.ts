/**
 * The one error mapping of the shells (core/wireError.ts): what an error looks
 * like on the wire, which HTTP status and CLI exit code it gets, for each kind
 * of error that reaches a boundary.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImlabError } from '../../src/shared/errors';
import { cliExitCode, httpStatus, toWireError } from '../../src/main/core/wireError';

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('toWireError', () => {
  it('sends an ImlabError as it is, with its field', () => {
    expect(toWireError(new ImlabError('invalid_config', 'trpo.maxKl: Too small', 'trpo.maxKl'))).toEqual({ code: 'invalid_config', message: 'trpo.maxKl: Too small', field: 'trpo.maxKl' });
    expect(toWireError(new ImlabError('not_found', 'No run with id 9.'))).toEqual({ code: 'not_found', message: 'No run with id 9.' });
  });

  it('turns an escaped filesystem error into bad input naming the path', () => {
    const e = caught(() => readFileSync('/nonexistent/imlab-wire-test.json'));
    expect(toWireError(e)).toEqual({ code: 'invalid_input', message: '/nonexistent/imlab-wire-test.json: no such file or folder.', field: 'path' });
  });

  it('turns a malformed command line into bad input', () => {
    const e = caught(() => parseArgs({ args: ['--nope'], options: {} }));
    expect(toWireError(e)).toEqual({ code: 'invalid_input', message: expect.stringContaining('--nope') });
  });

  it('sends anything else as internal, with its message', () => {
    expect(toWireError(new RangeError('index 7 out of range'))).toEqual({ code: 'internal', message: 'index 7 out of range' });
    expect(toWireError('a string')).toEqual({ code: 'internal', message: 'a string' });
    const { code } = toWireError(Object.assign(new Error('odd'), { code: 'ECONNRESET' }));
    expect(code).toBe('internal');
  });
});

describe('statuses and exit codes', () => {
  it('maps request errors to 400 (404 when not found) and exit 2, our failures to 500 and exit 1', () => {
    for (const code of ['invalid_input', 'invalid_config', 'unknown_env', 'invalid_action', 'invalid_state'] as const) {
      expect([httpStatus(code), cliExitCode(code)]).toEqual([400, 2]);
    }
    expect([httpStatus('not_found'), cliExitCode('not_found')]).toEqual([404, 2]);
    expect([httpStatus('internal'), cliExitCode('internal')]).toEqual([500, 1]);
  });
});
