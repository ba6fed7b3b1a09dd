import type { Context, MiddlewareHandler, Next } from 'hono';
import { withDeadline } from '../../infra/storeErrors.js';
import { urlHasControlCharacter } from '../controlCharacters.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, unavailable } from '../errors.js';
import { authenticate } from './auth.js';
import { rateLimit } from './rateLimit.js';
import type { RequestContext } from './requestContext.js';

/** The default of `REQUEST_DEADLINE_MS`: every store call of one request shares it. */
export const DEFAULT_REQUEST_DEADLINE_MS = 2_000;

/** The API gate: it may refuse the request (by throwing); synchronous unless it must ask a store. */
type Gate = (c: Context<AppEnv>) => void | Promise<void>;

export interface EdgeSteps {
  context: RequestContext;
  /** the web app's files, for GET and HEAD outside the API (webApp.ts) */
  webApp?: MiddlewareHandler<AppEnv>;
  /** what every /api request passes before its route (apiGate) */
  apiGate?: Gate;
  /** one deadline per request, for all of its Redis and Postgres calls together */
  deadlineMs: number;
  /** a refusal (or any error) of these steps as the answer (the app's error handler) */
  answerError: (err: Error, c: Context<AppEnv>) => Response;
}

const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

/**
 * The one middleware in front of every route, its concerns as steps of one function rather
 * than a Hono layer each: every layer is an async frame and promises per request, and the
 * request deadline follows every promise (docs/performance.md). In order: the request's
 * context; the web app's files; the deadline, under which the API gate and the route run;
 * then the request's metrics and access line, also for a request the gate refused.
 *
 * The deadline: each store call gets the time left, so a paused store costs a request at most
 * this long, however many calls it makes (it used to be 2 s per Redis command, 6 s for a
 * request making three).
 */
export function edge(steps: EdgeSteps): MiddlewareHandler<AppEnv> {
  const { context, webApp, apiGate, deadlineMs, answerError } = steps;
  const route = (c: Context<AppEnv>, next: Next) => {
    if (!apiGate || !isApiPath(c.req.path)) return next();
    const checked = apiGate(c);
    return checked ? checked.then(next) : next();
  };
  const inner = (c: Context<AppEnv>, next: Next) => (webApp ? webApp(c, () => route(c, next)) : route(c, next));
  return async (c, next) => {
    const startedMs = context.start(c);
    try {
      const answer = await withDeadline(deadlineMs, () => inner(c, next));
      // A file of the web app (a route's answer is on c.res already: next() gives the context).
      if (answer instanceof Response && !c.finalized) c.res = answer;
    } catch (err) {
      c.res = answerError(err instanceof Error ? err : new Error(String(err)), c);
    }
    context.finish(c, startedMs);
  };
}

/**
 * What every /api request passes before its route, in this order: no control characters in
 * its URL; no write while Redis is down (the circuit breaker refuses it at once instead of
 * letting it time out); its caller's session; its rate limit.
 */
export function apiGate(deps: AppDeps): Gate {
  const findSession = authenticate(deps);
  const limitRate = rateLimit(deps);
  return (c) => {
    refuseControlCharactersInUrl(c);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !deps.redisHealth.isUp) {
      throw unavailable('The live seat store is not answering; retry shortly.', 2, 'redis_unavailable');
    }
    const session = findSession(c);
    if (session) return session.then(() => limitRate(c));
    return limitRate(c);
  };
}

/** Control characters in the path or query string: a 400 before any route runs. */
export function refuseControlCharactersInUrl(c: Context<AppEnv>): void {
  if (urlHasControlCharacter(c.req.url)) {
    throw new AppError(400, 'validation_failed', 'The request is not valid.', {
      errors: [{ path: 'url', message: 'control characters are not allowed' }],
    });
  }
}
