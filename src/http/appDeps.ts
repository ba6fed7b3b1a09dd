import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import type { RateLimit } from '../engine/operations/limitRate.js';
import type { Logger, RequestLog } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { Catalog } from '../services/catalog.js';
import type { CheckoutService } from '../services/checkout.js';
import type { DurableWaiter } from '../services/durableWaiter.js';
import type { TicketService } from '../services/tickets.js';
import type { LiveHub } from '../services/liveHub.js';
import type { SessionStore, SessionUser } from '../services/sessions.js';

/** Everything the app is built from: passed in, so tests build the real thing on their own prefix and database. */
export interface AppDeps {
  engine: Engine;
  pool: Pool;
  log: Logger;
  metrics: Metrics;
  sessions: SessionStore;
  catalog: Catalog;
  durable: DurableWaiter;
  tickets: TicketService;
  /** live seat states: this process's SSE clients and its change subscriptions */
  live: LiveHub;
  checkout: CheckoutService;
  /** the Redis circuit breaker: writes are refused at once while it is open */
  redisHealth: { readonly isUp: boolean; reportFailure(): void };
  cookieSecure: boolean;
  /** one deadline per request shared by all its Redis and Postgres calls (default 2,000 ms) */
  requestDeadlineMs?: number;
  /** how long a refund or cancellation waits for Postgres before answering 503 (the checkout service has its own) */
  durableTimeoutMs: number;
  rateLimits: boolean;
  /** peers whose X-Forwarded-For is believed */
  trustedProxies: string[];
  /** set once the process starts to stop: readiness answers 503 so a balancer sends no more */
  shutdown?: { readonly draining: boolean };
  /** the built web app served at / (default web/dist) */
  webDir?: string;
  /** webhooks may target loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE, tests only) */
  webhooksAllowPrivate: boolean;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    /** the request's log: request id, and user id once known */
    log: RequestLog;
    user: SessionUser | undefined;
    sessionToken: string | undefined;
    /** the session could not be looked up (Redis down): a 503, not a 401, for routes that need it */
    sessionUnavailable: boolean;
    /** the rate limit the request's operation script applies (middleware/rateLimit.ts, inScript classes) */
    rateLimit: RateLimit | undefined;
  };
}
