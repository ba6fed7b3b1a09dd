import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from '../infra/logger.js';
import { SecuredResponse } from './securityHeaders.js';

/** Deliberate limits for the HTTP server (Node's defaults: headers 60 s, request 300 s, no connection cap). */
export interface ServerLimits {
  /** the whole request head must arrive within this (slowloris) */
  headersTimeoutMs: number;
  /** the whole request, body included, must arrive within this */
  requestTimeoutMs: number;
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** connections beyond this are refused at once (closed by the server) */
  maxConnections: number;
  /** how long a drain waits for requests in flight before it closes what is left */
  drainTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
  drainTimeoutMs: 10_000,
};

export interface HttpServer {
  server: Server;
  url: string;
  /** true from the start of a drain: readiness answers 503 */
  readonly draining: boolean;
  /**
   * Stops accepting, answers every request still coming on an open connection with
   * `Connection: close`, closes idle keep-alive connections, and waits for the requests in
   * flight up to `drainTimeoutMs`; then closes whatever is left. Resolves when all are closed.
   */
  drain(): Promise<{ closedEarly: number }>;
}

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** Serves `fetch` on host:port with the limits above; resolves once listening. */
export function startHttpServer(
  fetch: Fetch,
  options: { port: number; hostname: string; limits?: Partial<ServerLimits>; log?: Logger },
): Promise<HttpServer> {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  return new Promise((resolve, reject) => {
    const serverOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // how often Node looks for connections past their header or request timeout (default 30 s)
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 2)),
      // every answer gets the security headers and its request id as its head is written
      ServerResponse: SecuredResponse as typeof ServerResponse,
    };
    const server = serve(
      { fetch, port: options.port, hostname: options.hostname, serverOptions },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          server,
          url: `http://${host}:${info.port}`,
          get draining() {
            return draining;
          },
          drain: () => drain(server as Server),
        });
      },
    ) as Server;
    server.on('error', reject);
    server.maxConnections = limits.maxConnections;
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      // Set before the app writes its head (it answers asynchronously): Node merges it in.
      if (draining) res.setHeader('Connection', 'close');
    });
    server.on('drop', () =>
      options.log?.warn(
        { event: 'connection_refused', maxConnections: limits.maxConnections },
        'connection cap reached',
      ),
    );

    async function drain(s: Server): Promise<{ closedEarly: number }> {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((done) => s.close(() => done()));
      s.closeIdleConnections();
      // Keep-alive connections that go idle after their last answer are closed as they do.
      const idleSweep = setInterval(() => s.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((done) => (timer = setTimeout(() => done(true), limits.drainTimeoutMs))),
      ]);
      clearTimeout(timer);
      clearInterval(idleSweep);
      const closedEarly = timedOut ? inFlight.size : 0;
      if (timedOut) {
        options.log?.warn(
          { event: 'drain_timeout', inFlight: closedEarly },
          'requests still in flight at the drain deadline: closing them',
        );
        s.closeAllConnections();
        await closed;
      }
      return { closedEarly };
    }
  });
}
