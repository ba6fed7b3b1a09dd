import type { LineLog } from '../infra/logger.js';
import {
  DeadlineExceeded,
  isDatabaseDataError,
  isDatabaseUnavailable,
  isRedisUnavailable,
} from '../infra/storeErrors.js';
import type { AppDeps } from './appDeps.js';
import { AppError, unavailable } from './errors.js';

/**
 * Every error as an AppError. Store faults are told apart by the client that raised them
 * (see storeErrors): Redis's open the Redis breaker and answer 503 redis_unavailable,
 * Postgres's answer 503 database_unavailable and leave the breaker alone; a value Postgres
 * refuses (SQLSTATE class 22) is the client's 400; anything else unknown is a 500.
 */
export function knownError(deps: Pick<AppDeps, 'redisHealth'>, err: Error, log: LineLog): AppError {
  if (err instanceof AppError) return err;
  if (isRedisUnavailable(err)) {
    deps.redisHealth.reportFailure();
    return unavailable('The live seat store is not answering; retry shortly.', 2, 'redis_unavailable');
  }
  if (isDatabaseUnavailable(err)) {
    log.warn({ event: 'postgres_unavailable', err: err.message }, 'Postgres is not answering');
    return unavailable('The database is not answering; retry shortly.', 2, 'database_unavailable');
  }
  if (err instanceof DeadlineExceeded)
    return unavailable('The request ran out of time; retry shortly.', 2, 'deadline_exceeded');
  // Postgres refused the value itself (SQLSTATE class 22): the client's input, not our fault.
  if (isDatabaseDataError(err)) return new AppError(400, 'invalid_input', 'A value in the request is not acceptable.');
  log.error({ err }, 'unhandled error');
  return new AppError(500, 'internal', 'Something went wrong on our side.');
}
