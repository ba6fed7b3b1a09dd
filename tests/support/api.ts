import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import { startHttpServer } from '../../src/http/server.js';
import type { AppDeps } from '../../src/http/appDeps.js';
import { silentLogger } from '../../src/infra/logger.js';
import type { Notifications } from '../../src/notify/notifications.js';
import type { Persister } from '../../src/persist/persister.js';
import type { Role } from '../../src/persist/repositories/users.js';
import { createRuntime } from '../../src/runtime.js';
import type { LiveHub, LiveSettings } from '../../src/services/liveHub.js';
import type { Recorded } from './documentedResponses.js';
import { engineFixture, type EngineFixture } from './engine.js';
import { freshDatabase, type TestDatabase } from './postgres.js';

export interface ApiFixture {
  url: string;
  app: ReturnType<typeof createApp>;
  fx: EngineFixture;
  db: TestDatabase;
  /** the running persister, unless the test turned it off */
  persister: Persister | undefined;
  /** the notification pipeline, when the test turned it on */
  notifications: Notifications | undefined;
  live: LiveHub;
  /** a user with a live session (made directly: no bcrypt cost per test user) */
  user(role?: Role): Promise<{ id: string; token: string }>;
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** every answer `call` got, for checking against /openapi.json (tests/support/documentedResponses.ts) */
  recorded: Recorded[];
  /** stops this API (server and runtime), leaving its engine fixture and database: a second API sharing them */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** The real app on a real port, with its own Redis prefix and database, and a running persister. */
export interface ApiOptions {
  durableTimeoutMs?: number;
  persister?: boolean;
  /** off unless a test is about them: tests make many anonymous calls from one address */
  rateLimits?: boolean;
  trustedProxies?: string[];
  /** the engine (and its Redis) to serve from; by default a fresh fixture on the run's Redis */
  fx?: EngineFixture;
  /** the database; by default a fresh one on the test Postgres */
  db?: TestDatabase;
  /** a real circuit breaker on the fixture's Redis (fault tests); by default Redis counts as up */
  redisHealth?: AppDeps['redisHealth'];
  /** the outbox relay, mail and webhooks (off unless a test is about them) */
  notifications?: boolean;
  /** further settings, as environment variables (e.g. SMTP_URL, WEBHOOKS_ALLOW_PRIVATE) */
  env?: Record<string, string>;
  /** live updates' settings (tick, caps) */
  live?: Partial<LiveSettings>;
}

export async function startApi(options: ApiOptions = {}): Promise<ApiFixture> {
  const fx = options.fx ?? engineFixture();
  const db = options.db ?? (await freshDatabase());
  const config = loadConfig({
    REDIS_PREFIX: fx.prefix,
    RATE_LIMITS: options.rateLimits ? 'on' : 'off',
    TRUSTED_PROXIES: (options.trustedProxies ?? []).join(','),
    ...options.env,
  });
  // No background loops: tests drive admission and sweeps with the fake clock.
  const runtime = createRuntime(config, {
    redis: fx.redis,
    pool: db.pool,
    clock: fx.clock,
    limits: fx.engine.limits,
    log: silentLogger,
    persister: options.persister ?? true,
    persisterPollMs: 10,
    background: false,
    redisHealth: options.redisHealth ?? { isUp: true, reportFailure() {} },
    durableTimeoutMs: options.durableTimeoutMs ?? 5_000,
    notifications: options.notifications ?? false,
    notificationPollMs: 50,
    live: options.live,
  });
  await runtime.start();
  const { sessions, persister } = runtime;
  const app = createApp(runtime.deps);
  // The server as main.ts runs it (its response writes the security headers and request id).
  const { server, url } = await startHttpServer(app.fetch, { port: 0, hostname: '127.0.0.1' });
  const recorded: Recorded[] = [];
  const stop = async () => {
    await runtime.live.stop();
    await new Promise((r) => server.close(r));
    await runtime.stop();
  };
  return {
    url,
    app,
    fx: { ...fx, engine: runtime.engine },
    db,
    persister,
    notifications: runtime.notifications,
    live: runtime.live,
    async user(role: Role = 'user') {
      const id = randomUUID();
      const email = `${id}@example.test`;
      await db.pool.query(`INSERT INTO users (id, email, name, password_hash, role) VALUES ($1, $2, 'T', 'x', $3)`, [
        id,
        email,
        role,
      ]);
      return { id, token: await sessions.create({ id, email, name: 'T', role }) };
    },
    recorded,
    async call(method, path, { token, body, headers = {} } = {}) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const contentType = res.headers.get('content-type') ?? '';
      // A stream (server-sent events) is never read to its end here.
      const copy = contentType.startsWith('text/event-stream') ? undefined : res.clone().text();
      recorded.push({
        method,
        path,
        status: res.status,
        contentType,
        fromApp: res.headers.has('x-request-id'),
        body: copy,
      });
      return res;
    },
    stop,
    async close() {
      await stop();
      await fx.close();
      await db.drop();
    },
  };
}
