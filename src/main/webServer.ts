/**
 * Web shell: the API over HTTP and its events over SSE, plus the built
 * renderer, on 127.0.0.1 only. Every request needs the random token printed at
 * start (the page's first load carries it in the URL and gets it as a
 * SameSite=Strict cookie); cross-origin requests are refused and no CORS
 * headers are ever sent; static files are served from the build folder only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants as bufferConstants } from 'node:buffer';
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { API_EVENTS, API_METHODS, type ApiMethod, type Backend } from '../shared/api';
import { parseRequest } from './core/service';
import { httpStatus, toWireError } from './core/wireError';

/**
 * The largest request body: a dataset import (base64 JSON, about 4/3 of the
 * .npz) is the only large request, so this admits a ~190 MiB .npz. It must
 * stay well below what one string can hold (~512 MiB in V8).
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface WebServerOptions {
  port?: number;
  /** Folder of the built renderer (out/renderer). */
  staticDir: string;
  token?: string;
  /** At most MAX_BODY_BYTES; lower in tests. */
  maxBodyBytes?: number;
}

export interface WebServer {
  url: string;
  /** The URL to open: carries the token. */
  openUrl: string;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const COOKIE = 'imlab_token';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

function sendError(res: ServerResponse, e: unknown): void {
  const error = toWireError(e);
  sendJson(res, httpStatus(error.code), { error });
}

export async function startWebServer(backend: Backend, o: WebServerOptions): Promise<WebServer> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const staticRoot = resolve(o.staticDir);
  const realStaticRoot = () => (existsSync(staticRoot) ? realpathSync(staticRoot) : staticRoot);
  const maxBody = Math.min(o.maxBodyBytes ?? MAX_BODY_BYTES, MAX_BODY_BYTES, bufferConstants.MAX_STRING_LENGTH);
  let origin = '';
  let origins: string[] = [];
  let hosts: string[] = [];
  const requestUrl = (target: string | undefined): URL | null => {
    if (!target?.startsWith('/') || target.startsWith('//')) return null;
    try {
      return new URL(`${origin}${target}`);
    } catch {
      return null;
    }
  };

  /**
   * The token travels in the x-imlab-token header or the cookie; only a page
   * load may carry it in the URL (it sets the cookie), so API URLs with a
   * token never end up in logs or history as working credentials.
   */
  const tokenOk = (req: IncomingMessage, url: URL | null): boolean => {
    const fromUrl = url && !url.pathname.startsWith('/api/') ? url.searchParams.get('token') : null;
    const offered = req.headers['x-imlab-token'] ?? fromUrl ?? cookieToken(req.headers.cookie);
    if (typeof offered !== 'string') return false;
    const a = Buffer.from(offered);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server: Server = createServer((req, res) => {
    // A client that goes away mid-answer must not take the process with it.
    res.on('error', () => {});
    req.on('error', () => {});
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendError(res, e);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Defence in depth against DNS rebinding: only our own names, besides the token and the host-bound cookie.
    if (!hosts.includes(req.headers.host ?? '')) return sendJson(res, 403, errorBody('forbidden', `Unexpected Host header; use ${origin}.`, 'host'));
    // Requests from other web origins are refused outright (no CORS, no CSRF).
    const from = req.headers.origin;
    if (from !== undefined && !origins.includes(from)) return sendJson(res, 403, errorBody('forbidden', `Cross-origin requests are not allowed (origin ${from}).`, 'origin'));
    const url = requestUrl(req.url);
    if (!tokenOk(req, url)) return sendJson(res, 401, errorBody('unauthorized', 'Missing or wrong token: open the URL that `imlab serve` printed.', 'token'));
    if (!url) return sendJson(res, 400, errorBody('invalid_input', 'Malformed request target: expected a path starting with /.', 'path'));

    if (url.pathname === '/api/events') return streamEvents(req, res);
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice(5) as ApiMethod;
      if (!API_METHODS.includes(method)) return sendJson(res, 404, errorBody('not_found', `Unknown API method "${method}".`, 'method'));
      if (req.method !== 'POST') return sendJson(res, 405, errorBody('invalid_input', 'API methods are called with POST and a JSON body.', 'method'));
      let body: unknown;
      try {
        const text = await readBody(req, maxBody);
        body = text.trim() === '' ? {} : (JSON.parse(text) as unknown);
      } catch (e) {
        if (e instanceof BodyTooLarge) return refuseTooLarge(req, res, maxBody);
        return sendJson(res, 400, errorBody('invalid_input', `Request body: ${(e as Error).message}`, 'body'));
      }
      try {
        // Validated here too (the boundary), so every method refuses what its schema does not allow.
        parseRequest(method, body);
        const value = await (backend.api[method] as (r: unknown) => Promise<unknown>)(body);
        return sendJson(res, 200, value);
      } catch (e) {
        return sendError(res, e);
      }
    }
    return serveStatic(url, res);
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const offs = API_EVENTS.map((event) => backend.subscribe(event, (payload) => res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`)));
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      offs.forEach((off) => off());
    });
  }

  function serveStatic(url: URL, res: ServerResponse): void {
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return sendJson(res, 400, errorBody('invalid_input', 'Malformed path.', 'path'));
    }
    const file = resolve(staticRoot, `.${path === '/' ? '/index.html' : path}`);
    const rel = relative(staticRoot, file);
    if (rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(file) !== file || path.includes('\0')) {
      return sendJson(res, 403, errorBody('forbidden', 'Path outside the app.', 'path'));
    }
    if (!existsSync(file) || !statSync(file).isFile()) return sendJson(res, 404, errorBody('not_found', `No file ${path}.`, 'path'));
    // A symlink in the build folder must not lead out of it.
    if (!isInside(realpathSync(file), realStaticRoot())) return sendJson(res, 403, errorBody('forbidden', 'Path outside the app.', 'path'));
    const headers: Record<string, string> = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' };
    // The first load carries the token in the URL; the cookie lets the page's own requests through.
    if (url.searchParams.get('token') === token) headers['set-cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  origin = `http://127.0.0.1:${port}`;
  hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  origins = hosts.map((h) => `http://${h}`);
  return {
    url: origin,
    openUrl: `${origin}/?token=${token}`,
    token,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function isInside(child: string, root: string): boolean {
  const rel = relative(root, child);
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function cookieToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE) return v;
  }
  return undefined;
}

class BodyTooLarge extends Error {}

/** The body as text, refused (BodyTooLarge) as soon as it is declared or seen to pass `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new BodyTooLarge());
  return new Promise((ok, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        fail(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => {
      try {
        ok(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        fail(e as Error);
      }
    });
    req.on('error', fail);
  });
}

/**
 * 413, then the connection is closed: the rest of the body is never read
 * (the paused socket holds the sender back), and the socket is cut after a
 * moment, long enough for the answer to arrive before the reset.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, max: number): void {
  const mib = Math.floor(max / (1024 * 1024));
  const text = JSON.stringify(
    errorBody('invalid_input', `Request body: larger than the ${mib >= 1 ? `${mib} MiB` : `${max} byte`} limit (the largest request, a dataset import, must fit in it).`, 'body'),
  );
  res.writeHead(413, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close', 'content-length': Buffer.byteLength(text) });
  res.end(text, () => setTimeout(() => req.socket.destroy(), 1000).unref());
}

export function defaultStaticDir(): string {
  return join(process.cwd(), 'out', 'renderer');
}
