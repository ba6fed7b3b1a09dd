import type { Context, MiddlewareHandler } from 'hono';
import { withDeadline } from '../../infra/storeErrors.js';
import { urlHasControlCharacter } from '../controlCharacters.js';
import type { AppEnv } from '../appDeps.js';
import { AppError } from '../errors.js';

/** The default of `REQUEST_DEADLINE_MS`: every store call of one request shares it. */
export const DEFAULT_REQUEST_DEADLINE_MS = 2_000;

/**
 * One deadline per request, for all of its Redis and Postgres calls together: each call
 * gets the time left, so a paused store costs a request at most this long, however many
 * calls it makes (it used to be 2 s per Redis command, 6 s for a request making three).
 */
export function requestDeadline(timeoutMs: number): MiddlewareHandler<AppEnv> {
  return (_c, next) => withDeadline(timeoutMs, () => next());
}

/** Control characters in the path or query string: a 400 before any route runs. */
export function refuseControlCharactersInUrl(c: Context<AppEnv>): void {
  if (urlHasControlCharacter(c.req.url)) {
    throw new AppError(400, 'validation_failed', 'The request is not valid.', {
      errors: [{ path: 'url', message: 'control characters are not allowed' }],
    });
  }
}
