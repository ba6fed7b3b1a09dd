import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_LIMITS, startHttpServer, type HttpServer, type ServerLimits } from '../../src/http/server.js';

/** A tiny app: /slow answers when the test releases it, / at once. */
function slowApp() {
  const releases: (() => void)[] = [];
  const app = new Hono();
  app.get('/', (c) => c.text('ok'));
  app.get('/slow', async (c) => {
    await new Promise<void>((resolve) => releases.push(resolve));
    return c.text('done');
  });
  return { app, releaseAll: () => releases.splice(0).forEach((r) => r()), waiting: () => releases.length };
}

let running: HttpServer | undefined;
afterEach(async () => {
  if (running && !running.draining) await running.drain();
  running = undefined;
});

async function start(app: Hono, limits: Partial<ServerLimits> = {}) {
  running = await startHttpServer(app.fetch, { port: 0, hostname: '127.0.0.1', limits });
  return running;
}

const port = (s: HttpServer) => Number(new URL(s.url).port);

function openSocket(s: HttpServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port(s), '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves with what the server sent before it closed the socket, and how long that took. */
function closedBy(socket: Socket): Promise<{ data: string; ms: number }> {
  const started = Date.now();
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString()));
  return new Promise((resolve) => socket.on('close', () => resolve({ data, ms: Date.now() - started })));
}

function get(
  s: HttpServer,
  path: string,
  agent?: Agent,
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: port(s), path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP server limits', () => {
  it('are deliberate by default: headers 10 s, request 30 s, keep-alive 5 s, at most 10,000 connections', async () => {
    const s = await start(slowApp().app);
    expect({
      headersTimeoutMs: s.server.headersTimeout,
      requestTimeoutMs: s.server.requestTimeout,
      keepAliveTimeoutMs: s.server.keepAliveTimeout,
      maxConnections: s.server.maxConnections,
    }).toEqual({
      headersTimeoutMs: DEFAULT_SERVER_LIMITS.headersTimeoutMs,
      requestTimeoutMs: DEFAULT_SERVER_LIMITS.requestTimeoutMs,
      keepAliveTimeoutMs: DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs,
      maxConnections: 10_000,
    });
  });

  it('closes a connection whose headers do not arrive in time (slowloris) with a 408', async () => {
    const s = await start(slowApp().app, { headersTimeoutMs: 400 });
    const socket = await openSocket(s);
    const closed = closedBy(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const { data, ms } = await closed;
    expect(data).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(3_000);
  });

  it('refuses connections beyond the cap, and serves the ones within it', async () => {
    const s = await start(slowApp().app, { maxConnections: 2 });
    const kept = [await openSocket(s), await openSocket(s)];
    const extra = await openSocket(s);
    const { data } = await closedBy(extra);
    expect(data).toBe('');
    const answer = closedBy(kept[0]!);
    kept[0]!.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect((await answer).data).toMatch(/^HTTP\/1\.1 200/);
    kept[1]!.destroy();
  });
});

describe('draining', () => {
  it('stops accepting, closes idle keep-alive connections, and finishes requests in flight with Connection: close', async () => {
    const app = slowApp();
    const s = await start(app.app);
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    expect((await get(s, '/', agent)).connection).toBe('keep-alive');
    const inFlight = [get(s, '/slow', agent), get(s, '/slow', agent)];
    await expect.poll(() => app.waiting()).toBe(2);

    const drained = s.drain();
    await expect(get(s, '/')).rejects.toThrow(/ECONNREFUSED/);
    app.releaseAll();
    const answers = await Promise.all(inFlight);
    expect(answers).toEqual([
      { status: 200, connection: 'close', body: 'done' },
      { status: 200, connection: 'close', body: 'done' },
    ]);
    expect(await drained).toEqual({ closedEarly: 0 });
    agent.destroy();
  });

  it('closes what is still in flight at the drain deadline', async () => {
    const app = slowApp();
    const s = await start(app.app, { drainTimeoutMs: 300 });
    const stuck = get(s, '/slow').catch((err: Error) => err.message);
    await expect.poll(() => app.waiting()).toBe(1);
    const started = Date.now();
    expect(await s.drain()).toEqual({ closedEarly: 1 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await stuck).toMatch(/socket hang up|ECONNRESET/);
    app.releaseAll();
  });
});
