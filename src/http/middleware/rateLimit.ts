import type { Context } from 'hono';
import type { RateDecision, RateLimit } from '../../engine/operations/limitRate.js';
import { clientAddress } from '../clientAddress.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError } from '../errors.js';

interface EndpointClass {
  name: string;
  perMinute: number;
  /**
   * Counted by the operation's own Lua script, in the same round trip (the handler passes
   * scriptRate(c) to the engine and the decision to applyRate): per user per event, under
   * the event's key. Every such route needs a signed-in user and names an event.
   */
  inScript?: boolean;
  matches(method: string, path: string): boolean;
}

const PERIOD_MS = 60_000;

/** The rate limits of the API contract, most specific first. */
export const ENDPOINT_CLASSES: EndpointClass[] = [
  { name: 'auth', perMinute: 10, matches: (_m, p) => p.startsWith('/api/auth/') },
  {
    name: 'reserve',
    perMinute: 20,
    inScript: true,
    matches: (m, p) => m === 'POST' && (p === '/api/seats/reserve' || p === '/api/seats/best'),
  },
  { name: 'checkout', perMinute: 5, inScript: true, matches: (m, p) => m === 'POST' && p === '/api/checkout' },
  {
    name: 'join',
    perMinute: 5,
    inScript: true,
    matches: (m, p) => m === 'POST' && /^\/api\/queue\/[^/]+\/join$/.test(p),
  },
  // Release and the position poll: the default limit, counted by their scripts per event.
  {
    name: 'default',
    perMinute: 100,
    inScript: true,
    matches: (m, p) =>
      (m === 'DELETE' && p === '/api/seats/release') || (m === 'GET' && /^\/api\/queue\/[^/]+\/position$/.test(p)),
  },
  { name: 'default', perMinute: 100, matches: () => true },
];

/**
 * Rate limits per caller (the user, or the client address when anonymous) and endpoint
 * class, by one Lua GCRA limiter (lua/includes/rateLimit.lua). It runs before any route, so
 * a login over its limit is refused before its password is hashed. A step of the API gate
 * (app.ts): a promise only when the limiter is asked here. The hot paths (reserve,
 * release, checkout, queue join and position) are not counted here: their own scripts
 * count them in the same round trip (see `inScript`). If Redis cannot answer, requests
 * pass: the write paths fail on their own with a 503, and browsing keeps working.
 */
export function rateLimit(deps: AppDeps): (c: Context<AppEnv>) => void | Promise<void> {
  const trusted = new Set(deps.trustedProxies);
  return (c) => {
    if (!deps.rateLimits) return;
    const cls = ENDPOINT_CLASSES.find((k) => k.matches(c.req.method, c.req.path))!;
    if (cls.inScript) {
      c.set('rateLimit', { endpointClass: cls.name, limit: cls.perMinute, periodMs: PERIOD_MS });
      return;
    }
    const user = c.get('user');
    const caller = user ? `u:${user.id}` : `ip:${clientAddress(c, trusted)}`;
    return deps.engine.limitRate(cls.name, caller, cls.perMinute, PERIOD_MS).then(
      (decision) => applyRate(c, deps.metrics, cls.name, decision),
      () => {},
    );
  };
}

/** The limit the request's operation script applies, or undefined (rate limits off, or counted by the middleware). */
export const scriptRate = (c: Context<AppEnv>): RateLimit | undefined => c.get('rateLimit');

/**
 * A limiter's decision as HTTP: the RateLimit-* headers on the answer, or the 429 with
 * Retry-After when the request was refused. No decision (no limit, or Redis could not
 * answer the middleware) changes nothing.
 */
export function applyRate(
  c: Context<AppEnv>,
  metrics: AppDeps['metrics'],
  endpointClass: string | undefined,
  decision: RateDecision | undefined,
): void {
  if (!decision || endpointClass === undefined) return;
  const headers = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(Math.ceil(decision.resetMs / 1000)),
  };
  if (!decision.allowed) {
    metrics.rateLimited.inc({ class: endpointClass });
    throw new AppError(
      429,
      'rate_limited',
      `Too many requests; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s.`,
      {},
      {
        ...headers,
        'Retry-After': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
      },
    );
  }
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

/** applyRate for a decision an operation's script made under scriptRate(c). */
export const applyScriptRate = (c: Context<AppEnv>, metrics: AppDeps['metrics'], decision: RateDecision | undefined) =>
  applyRate(c, metrics, scriptRate(c)?.endpointClass, decision);
