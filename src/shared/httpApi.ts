/**
 * The API over HTTP: POST /api/<method> with the request as JSON. Used by the
 * renderer in a browser (same origin, the token travels as a cookie) and by
 * the CLI when another process is the coordinator (token in a header).
 */
import { API_METHODS, type Api } from './api';
import { ImlabError, type ImlabErrorCode } from './errors';

export function createHttpApi(baseUrl: string, token?: string): Api {
  const call = async (method: string, request: unknown): Promise<unknown> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['x-imlab-token'] = token;
    const res = await fetch(`${baseUrl}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(request ?? {}), credentials: 'same-origin' });
    const body = (await res.json()) as { error?: { code: ImlabErrorCode; message: string; field?: string } };
    if (!res.ok) {
      const e = body.error ?? { code: 'internal' as const, message: `HTTP ${res.status}` };
      throw new ImlabError(e.code, e.message, e.field);
    }
    return body;
  };
  return Object.fromEntries(API_METHODS.map((m) => [m, (request: unknown) => call(m, request)])) as unknown as Api;
}
