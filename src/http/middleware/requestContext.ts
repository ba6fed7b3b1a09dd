import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { RequestLog } from '../../infra/logger.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { SecuredResponse } from '../securityHeaders.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The first and last steps of every request (the edge, middleware/edge.ts, runs them). */
export interface RequestContext {
  /** its id (echoed when the client sent a sane one) and a log carrying it; returns when it started */
  start(c: Context<AppEnv>): number;
  /** once answered: the request's metrics and its access log line */
  finish(c: Context<AppEnv>, startedMs: number): void;
}

/**
 * Request id, a logger carrying it, the request's metrics and its access log line. The id is
 * handed to the server's response, which writes it with the security headers on every answer
 * (src/http/securityHeaders.ts).
 */
export function requestContext(deps: Pick<AppDeps, 'log' | 'metrics'>): RequestContext {
  return {
    start(c) {
      const started = performance.now();
      const sent = c.req.header('x-request-id');
      const requestId = sent && SANE_REQUEST_ID.test(sent) ? sent : randomUUID();
      c.set('requestId', requestId);
      c.set('log', new RequestLog(deps.log, requestId));
      const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
      if (outgoing instanceof SecuredResponse) outgoing.requestId = requestId;
      return started;
    },
    finish(c, startedMs) {
      // Only route templates become labels: a path no route matched (only middleware did) is 'unmatched'.
      const template = routePath(c, -1);
      const route = template.endsWith('*') ? 'unmatched' : template;
      const seconds = (performance.now() - startedMs) / 1000;
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
    },
  };
}
