import type pg from 'pg';
import { DeadlineExceeded, storeCallStarted, tagStore, timeLeftMs } from './storeErrors.js';

const PATCHED = Symbol.for('ticketing.postgresClient');

/**
 * Runs one Postgres call: its errors are tagged as Postgres's (see storeErrors), and inside a
 * request it gets only the time left of the request's deadline. A call cut off by the
 * deadline is left to finish in the background (`onLate` tidies what it returns).
 */
async function guarded<T>(call: () => Promise<T>, onLate: (value: T) => void = () => {}): Promise<T> {
  const left = timeLeftMs();
  // Nothing is asked of Postgres once the deadline is gone: not a Postgres fault, so not tagged.
  if (left !== undefined && left <= 0) throw new DeadlineExceeded('postgres');
  try {
    if (left === undefined) return await call();
    let late = false;
    let timer: NodeJS.Timeout | undefined;
    const finished = storeCallStarted();
    const work = call();
    work.then(finished, finished);
    work.then(
      (value) => late && onLate(value),
      () => {},
    );
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        late = true;
        reject(new DeadlineExceeded('postgres'));
      }, left);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
      finished();
    }
  } catch (err) {
    throw tagStore(err, 'postgres');
  }
}

function patchClient(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [PATCHED]?: true };
  if (marked[PATCHED]) return client;
  marked[PATCHED] = true;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    // Callback style is pg's own (the pool's) business; ours is promise style.
    if (typeof args[args.length - 1] === 'function') return query(...args);
    return guarded(() => query(...args) as Promise<unknown>);
  }) as typeof client.query;
  return client;
}

/**
 * A pool whose queries and connections go through `guarded`: every error tagged as
 * Postgres's, every call bounded by the request's deadline.
 */
export function storePool(pool: pg.Pool): pg.Pool {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  pool.query = ((...args: unknown[]) => {
    if (typeof args[args.length - 1] === 'function') return query(...args);
    return guarded(() => query(...args) as Promise<unknown>);
  }) as typeof pool.query;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  pool.connect = ((...args: unknown[]) => {
    if (args.length > 0) return connect(...args);
    return guarded(
      () => connect() as Promise<pg.PoolClient>,
      (late) => late.release(),
    ).then(patchClient);
  }) as typeof pool.connect;
  return pool;
}
