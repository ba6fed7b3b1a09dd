import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../infra/logger.js';
import type { Catalog } from '../services/catalog.js';
import type { DurableWaiter } from '../services/durableWaiter.js';
import type { SessionStore, SessionUser } from './sessions.js';

/** Everything the app is built from: passed in, so tests build the real thing on their own prefix and database. */
export interface AppDeps {
  engine: Engine;
  pool: Pool;
  redis: Redis;
  log: Logger;
  sessions: SessionStore;
  catalog: Catalog;
  durable: DurableWaiter;
  cookieSecure: boolean;
  /** how long a checkout waits for its sale to reach Postgres before answering 503 */
  durableTimeoutMs: number;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    user: SessionUser | undefined;
    sessionToken: string | undefined;
  };
}
