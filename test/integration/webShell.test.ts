/** The web shell's boundary: token, origin, body and path checks, and what it never sends. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type Coordinator } from '../../src/main/core/service';
import { MAX_BODY_BYTES, startWebServer, type WebServer } from '../../src/main/webServer';
import { tempDir } from '../helpers/runs';

describe('web shell', () => {
  let c: Coordinator;
  let web: WebServer;

  beforeAll(async () => {
    c = await startCoordinator({ appVersion: 'test', home: tempDir('web-home'), runQueue: false });
    const root = tempDir('web');
    const staticDir = join(root, 'renderer');
    mkdirSync(join(staticDir, 'assets'), { recursive: true });
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'secret.txt'), 'do not serve');
    symlinkSync(join(root, 'secret.txt'), join(staticDir, 'assets', 'link.txt'));
    symlinkSync(root, join(staticDir, 'up'));
    web = await startWebServer(c, { staticDir, maxBodyBytes: 10_000 });
  });
  afterAll(async () => {
    await web.close();
    await c.close();
  });

  const api = (method: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${web.url}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-imlab-token': web.token, ...headers }, body });

  it('listens on 127.0.0.1 only', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    for (const headers of [{}, { 'x-imlab-token': 'wrong' }] as Record<string, string>[]) {
      const res = await fetch(`${web.url}/api/listEnvs`, { method: 'POST', headers, body: '{}' });
      expect(res.status).toBe(401);
    }
    expect((await fetch(`${web.url}/`)).status).toBe(401);
    expect((await fetch(`${web.url}/api/events`)).status).toBe(401);
  });

  it('serves the app with the token in the URL, setting a same-site cookie for its own requests', async () => {
    const res = await fetch(web.openUrl);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const asset = await fetch(`${web.url}/assets/app.js`, { headers: { cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(1)');
  });

  it('refuses requests from other origins and never sends CORS headers', async () => {
    const res = await api('listEnvs', '{}', { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await api('listEnvs', '{}', { origin: web.url });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('never serves files outside the build folder', async () => {
    for (const path of ['/assets/link.txt', '/up/secret.txt', '/../secret.txt', '/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2F..%2Fsecret.txt', '/%2e%2e%2fsecret.txt']) {
      const res = await fetch(`${web.url}${path}?token=${web.token}`);
      expect([403, 404], path).toContain(res.status);
      expect(await res.text()).not.toContain('do not serve');
    }
  });

  it('answers malformed or wrong requests with 4xx and an error naming the field', async () => {
    const bad = await api('getRun', '{"id": ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_input', field: 'body' });
    const wrongType = await api('getRun', '{"id": "seven"}');
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { field: string } }).error.field).toBe('id');
    const unknown = await api('getRun', '{"id": 4242}');
    expect(unknown.status).toBe(404);
    const noMethod = await api('dropDatabase', '{}');
    expect(noMethod.status).toBe(404);
    const get = await fetch(`${web.url}/api/listEnvs`, { headers: { 'x-imlab-token': web.token } });
    expect(get.status).toBe(405);
    const huge = await api('queueRun', JSON.stringify({ config: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
  });

  it('answers a malformed request target with 400 after the token check, and 401 before it', async () => {
    const withToken = await rawRequest(web, `GET http://[ HTTP/1.1\r\nHost: ${web.url.slice(7)}\r\nx-imlab-token: ${web.token}\r\nConnection: close\r\n\r\n`);
    expect(withToken).toMatch(/^HTTP\/1\.1 400/);
    expect(withToken).toContain('"field":"path"');
    const without = await rawRequest(web, `GET http://[ HTTP/1.1\r\nHost: ${web.url.slice(7)}\r\nConnection: close\r\n\r\n`);
    expect(without).toMatch(/^HTTP\/1\.1 401/);
    expect((await api('listEnvs', '{}')).status).toBe(200);
  });

  it('takes the token in the URL only for a page load, never for an API call', async () => {
    const inQuery = await fetch(`${web.url}/api/listRuns?token=${web.token}`, { method: 'POST', body: '{}' });
    expect(inQuery.status).toBe(401);
    const events = await fetch(`${web.url}/api/events?token=${web.token}`);
    expect(events.status).toBe(401);
    const page = await fetch(`${web.url}/?token=${web.token}`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    expect((await fetch(`${web.url}/api/listRuns`, { method: 'POST', headers: { cookie }, body: '{}' })).status).toBe(200);
  });

  it('refuses a Host other than 127.0.0.1 or localhost on its port', async () => {
    const port = web.url.split(':')[2];
    const evil = await rawRequest(web, `POST /api/listEnvs HTTP/1.1\r\nHost: evil.example:${port}\r\nx-imlab-token: ${web.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(evil).toMatch(/^HTTP\/1\.1 403/);
    expect(evil).toContain('"field":"host"');
    const local = await rawRequest(web, `POST /api/listEnvs HTTP/1.1\r\nHost: localhost:${port}\r\nx-imlab-token: ${web.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(local).toMatch(/^HTTP\/1\.1 200/);
  });

  it('refuses extra fields on methods that take none', async () => {
    const res = await api('listEnvs', '{"drop":true}');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('(root)');
  });

  it('answers 413 to a body over the limit before reading it, and stays up', async () => {
    const chunked = await rawPost(web, '/api/queueRun', { chunked: true, bytes: 5_000_000 });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: 'invalid_input', field: 'body', message: expect.stringMatching(/larger than the 10000 byte limit/) as unknown } });
    expect((await api('listEnvs', '{}')).status).toBe(200);
  });

  it('refuses 100k levels of nesting in sweep settings with a 400 naming the field', async () => {
    const depth = 100_000;
    const deep = `{"spec":{"name":"deep","envs":["Hopper-v5"],"expert":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)},"trajectories":[1],"seeds":[0]}}`;
    const unlimited = await startWebServer(c, { staticDir: tempDir('web-deep') });
    try {
      const res = await fetch(`${unlimited.url}/api/queueSweep`, { method: 'POST', headers: { 'x-imlab-token': unlimited.token }, body: deep });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { field: string; message: string } };
      expect(error.field).toMatch(/^spec\.expert(\.a)+$/);
      expect(error.message).toMatch(/nested deeper than 32 levels/);
      expect(c.store.countRuns()).toBe(0);
    } finally {
      await unlimited.close();
    }
    await expect(c.api.queueSweep({ spec: JSON.parse(deep.slice(8, -1)) as unknown })).rejects.toMatchObject({ code: 'invalid_input', field: expect.stringMatching(/^spec\.expert/) as unknown });
  });
});

describe('web shell with the default body limit', () => {
  it('refuses a declared 600 MiB body at once with 413 and keeps serving', async () => {
    const c = await startCoordinator({ appVersion: 'test', home: tempDir('web-big'), runQueue: false });
    const web = await startWebServer(c, { staticDir: tempDir('web-big-static') });
    try {
      expect(MAX_BODY_BYTES).toBeLessThan(512 * 1024 * 1024);
      const t0 = Date.now();
      const res = await rawPost(web, '/api/importDatasetNpz', { chunked: false, declared: 600 * 1024 * 1024, bytes: 8 * 1024 * 1024 });
      expect(res.status).toBe(413);
      expect(res.body).toMatch(/larger than the 256 MiB limit/);
      expect(Date.now() - t0).toBeLessThan(30_000);
      const ok = await fetch(`${web.url}/api/listEnvs`, { method: 'POST', headers: { 'x-imlab-token': web.token }, body: '{}' });
      expect(ok.status).toBe(200);
    } finally {
      await web.close();
      await c.close();
    }
  });
});

/** Writes raw bytes to the server and returns everything it answers. */
function rawRequest(web: WebServer, text: string): Promise<string> {
  return new Promise((ok, fail) => {
    const { hostname, port } = new URL(web.url);
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('end', () => ok(answer));
    socket.on('error', fail);
  });
}

/** A POST written chunk by chunk (`bytes` of it), optionally declaring a larger length; resolves with the answer. */
function rawPost(web: WebServer, path: string, o: { chunked: boolean; bytes: number; declared?: number }): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string> = { 'x-imlab-token': web.token, 'content-type': 'application/json' };
    if (!o.chunked) headers['content-length'] = String(o.declared ?? o.bytes);
    const req = request(`${web.url}${path}`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        req.destroy();
        ok({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', fail);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < o.bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (o.declared === undefined) req.end();
    };
    pump();
  });
}
