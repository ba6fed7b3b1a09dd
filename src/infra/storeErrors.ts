import { promiseHooks } from 'node:v8';
import pg from 'pg';

/**
 * Which store an error came from, recorded by the client that raised it (our Redis and
 * Postgres clients tag every error they pass on). Errors are classified by this source and
 * by the store's own protocol codes, never by matching message text: a Postgres connect
 * error and a Redis connect error read alike ("ECONNREFUSED") but mean different outages.
 */
export type Store = 'redis' | 'postgres';

const SOURCE = Symbol.for('ticketing.store');

interface Tagged {
  [SOURCE]?: Store;
}

/** Marks `err` as raised by `store`'s client and returns it (non-errors are wrapped). */
export function tagStore(err: unknown, store: Store): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  if (!(error as Tagged)[SOURCE]) Object.defineProperty(error, SOURCE, { value: store, enumerable: false });
  return error;
}

export function storeOf(err: unknown): Store | undefined {
  return err instanceof Error ? (err as Tagged)[SOURCE] : undefined;
}

/** Redis error replies that mean "cannot serve now" (the first word of a reply is its code). */
const REDIS_UNAVAILABLE_REPLIES = new Set([
  'LOADING',
  'BUSY',
  'MASTERDOWN',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'NOREPLICAS',
  'READONLY',
]);

/**
 * Redis cannot answer now: the Redis client raised it, and it is not an answer from Redis
 * (a reply error: a bug or a refused command) unless the reply says the server is unavailable.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (storeOf(err) !== 'redis') return false;
  const e = err as Error;
  if (e.name !== 'ReplyError') return true;
  return REDIS_UNAVAILABLE_REPLIES.has(e.message.split(' ', 1)[0] ?? '');
}

/** A Postgres error with a SQLSTATE (the server answered), as opposed to a transport failure. */
function sqlState(err: unknown): string | undefined {
  return err instanceof pg.DatabaseError ? err.code : undefined;
}

/**
 * Postgres cannot answer now: the Postgres client raised it, and it is either a transport
 * failure (refused, reset, timed out, terminated: no SQLSTATE) or a SQLSTATE of class 08
 * (connection), 53 (resources) or 57 (operator intervention: shutdown, cancel).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (storeOf(err) !== 'postgres') return false;
  const state = sqlState(err);
  return state === undefined || ['08', '53', '57'].includes(state.slice(0, 2));
}

/** Postgres refused the data itself (SQLSTATE class 22: bad encoding, out of range, bad format). */
export function isDatabaseDataError(err: unknown): boolean {
  return storeOf(err) === 'postgres' && sqlState(err)?.startsWith('22') === true;
}

/**
 * One deadline per request, shared by every store call the request makes: the time the
 * request spends waiting on Redis or Postgres (calls running at once count once) may not
 * exceed its budget. A call gets only what is left, and none once it is spent. Time spent
 * computing (a bcrypt hash under load) or waiting on purpose (for the persister) is not
 * store time. Work outside a request (persister, sweeper) uses the clients' own timeouts.
 */
interface StoreTime {
  budgetMs: number;
  spentMs: number;
  active: number;
  busySinceMs: number;
}

/**
 * The deadline of the request whose code is running. It follows the request across its
 * awaits through V8's promise hooks: a promise made while a request's code runs carries
 * that request's deadline, and its reactions run with it. (AsyncLocalStorage does the same
 * on Node 20 through async_hooks, whose bookkeeping per promise cost about a fifth of a
 * cheap request's CPU.) Outside a request, and in callbacks that are not promise reactions,
 * there is none: the clients' own timeouts apply.
 */
let current: StoreTime | undefined;
const DEADLINE = Symbol('ticketing.deadline');
type Carrier = Promise<unknown> & { [DEADLINE]?: StoreTime };
let hooked = false;

function followPromises(): void {
  if (hooked) return;
  hooked = true;
  promiseHooks.createHook({
    init(promise) {
      if (current !== undefined) (promise as Carrier)[DEADLINE] = current;
    },
    before(promise) {
      current = (promise as Carrier)[DEADLINE];
    },
    after() {
      current = undefined;
    },
  });
}

export function withDeadline<T>(budgetMs: number, work: () => T): T {
  followPromises();
  const outer = current;
  current = { budgetMs, spentMs: 0, active: 0, busySinceMs: 0 };
  try {
    return work();
  } finally {
    current = outer;
  }
}

/** Store time left to the current request, or undefined outside a request. */
export function timeLeftMs(): number | undefined {
  const t = current;
  if (!t) return undefined;
  return t.budgetMs - t.spentMs - (t.active > 0 ? Date.now() - t.busySinceMs : 0);
}

/** Marks a store call as started; the returned function marks it finished (once). */
export function storeCallStarted(): () => void {
  const t = current;
  if (!t) return () => {};
  if (t.active++ === 0) t.busySinceMs = Date.now();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--t.active === 0) t.spentMs += Date.now() - t.busySinceMs;
  };
}

/** The request's deadline was spent before a store call could be made (or answered). */
export class DeadlineExceeded extends Error {
  constructor(store: Store) {
    super(`the request's deadline passed before ${store} answered`);
    this.name = 'DeadlineExceeded';
  }
}
