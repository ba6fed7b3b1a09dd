import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { RequestLog } from '../../infra/logger.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { SecuredResponse } from '../securityHeaders.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request id (echoed when the client sent a sane one), a logger carrying it, the request's
 * metrics and its access log line. The id is handed to the server's response, which writes
 * it with the security headers on every answer (src/http/securityHeaders.ts).
 */
export function requestContext(deps: Pick<AppDeps, 'log' | 'metrics'>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const sent = c.req.header('x-request-id');
    const requestId = sent && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
    c.set('requestId', requestId);
    c.set('log', new RequestLog(deps.log, requestId));
    // The server writes it with the security headers (SecuredResponse) on every answer.
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing instanceof SecuredResponse) outgoing.requestId = requestId;
    await next();
    // Only route templates become labels: a path no route matched (only middleware did) is 'unmatched'.
    const template = routePath(c, -1);
    const route = template.endsWith('*') ? 'unmatched' : template;
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    deps.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    // The access log: one line per request (the request id, and the user's, come with the request's log).
    c.get('log').info(
      {
        event: 'http_request',
        method: c.req.method,
        route,
        status: c.res.status,
        durationMs: Math.round(seconds * 1e5) / 100,
      },
      'request',
    );
  };
}
