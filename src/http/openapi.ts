import { createRoute, OpenAPIHono, type z, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './appDeps.js';
import { readJsonBody, validationFailed } from './body.js';
import { TITLES } from './errors.js';
import { requireAdmin, requireScanner, requireUser } from './middleware/auth.js';
import { problemSchema } from './schemas.js';

/**
 * How the routes are defined: each route file declares its operations with `operation()` (a
 * @hono/zod-openapi route: operationId, tag, request and response schemas from schemas.ts, problems)
 * and serves them on `ApiRoutes`; /openapi.json is generated from them (`openApiDocument`). Each
 * operation's one route middleware checks the request against the same schemas, and their
 * failures are the one validation_failed problem.
 */

export const TAGS = [
  { name: 'Auth', description: 'Accounts and sessions (cookie `sid` or `Authorization: Bearer`).' },
  { name: 'Venues', description: 'Venues and their seating layout.' },
  { name: 'Events', description: 'Events, search, seat maps and live availability.' },
  { name: 'Seats', description: 'Holding and releasing seats.' },
  { name: 'Queue', description: 'The virtual waiting room of high-demand events.' },
  { name: 'Checkout', description: 'Buying the held seats, idempotently.' },
  { name: 'Orders', description: "The caller's orders and refunds." },
  { name: 'Tickets', description: 'Tickets: codes, QR images, transfers, check-in.' },
  { name: 'Admin', description: 'Statistics, cancellation, order search, webhooks (admins only).' },
  { name: 'Operations', description: 'Health, readiness, metrics and this description.' },
] as const;
type Tag = (typeof TAGS)[number]['name'];

type Role = 'user' | 'admin' | 'scanner';

/**
 * A check an operation makes before its request is read: it refuses by throwing an AppError.
 * Synchronous (an async one would be a promise nobody waits for: the type refuses it).
 */
export type Check = (c: Context<AppEnv>) => undefined;
const GUARDS: Record<Role, Check> = {
  user: (c) => void requireUser(c),
  admin: (c) => void requireAdmin(c),
  scanner: (c) => void requireScanner(c),
};

/** What each problem status means across the API; an operation may say more. */
const PROBLEMS: Record<number, string> = {
  400: 'validation_failed (with `errors`: path and message per issue) or malformed_json',
  401: 'unauthenticated: no valid session',
  403: 'forbidden: the role does not allow it, or a cookie request from a foreign Origin',
  404: 'not_found',
  409: 'conflict with the current state',
  413: 'payload_too_large: the body is over 16 KiB',
  415: 'unsupported_media_type: send application/json',
  422: 'unprocessable',
  429: 'rate_limited, with Retry-After and RateLimit-* headers',
  503: 'a store is away or slow (redis_unavailable, database_unavailable, deadline_exceeded, service_unavailable); retry after Retry-After',
};

const problem = (status: number, description?: string) => ({
  description: `${TITLES[status] ?? 'Error'}: ${description ?? PROBLEMS[status]}`,
  content: { 'application/problem+json': { schema: problemSchema } },
});
type Problem = ReturnType<typeof problem>;

/** Problem answers, by status: `true` for the usual meaning, or the codes this operation answers. */
export function problems<S extends number>(statuses: Record<S, true | string>): Record<S, Problem> {
  return Object.fromEntries(
    Object.entries<true | string>(statuses).map(([status, text]) => [
      status,
      problem(Number(status), text === true ? undefined : text),
    ]),
  ) as Record<S, Problem>;
}

/** A JSON answer. */
export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON request body. */
export const jsonRequest = <S extends z.ZodType>(schema: S) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

/**
 * Parameters the handler reads and checks itself, documented without a validator (a validator
 * that accepts anything would only cost time on every request):
 * - a path id, a UUID; a malformed one names nothing, so it stays the resource's 404;
 * - an optional header or query parameter read as it comes (If-None-Match, Last-Event-ID, section).
 */
export const pathIds = (...names: string[]) => ({
  parameters: names.map((name) => ({
    name,
    in: 'path' as const,
    required: true,
    description: 'a UUID (any other value names nothing: 404)',
    schema: { type: 'string' as const, format: 'uuid', example: '7c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f' },
  })),
});
export const optionalParameter = (where: 'header' | 'query', name: string, description: string, example: string) => ({
  name,
  in: where,
  required: false,
  description,
  schema: { type: 'string' as const, example },
});

interface OperationOptions {
  operationId: string;
  tag: Tag;
  /** who may call it: checked first, before the request is validated (a 401 before a 400) */
  role?: Role;
  /** false for the operators' endpoints outside /api, which no rate limit covers */
  rateLimited?: false;
  /** checks of their own, after the role's guard and before the body is read */
  checks?: Check[];
}

/** A value that fits its schema, as the schema gives it back; a 400 validation_failed otherwise. */
function valid(schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(result.error.issues);
  return result.data;
}

/** The query as Hono's validators read it: a name given once is a string, given more often a list. */
function queryOf(c: Context<AppEnv>): Record<string, string | string[]> {
  // Own keys only, whatever their names (`?__proto__=x` is a key the strict schema refuses).
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]),
  );
}

/**
 * The one route middleware of an operation: its role's guard and its own checks (401 and 403
 * first), then its query, then its JSON body (415, 413, 400) against their schemas; the handler
 * reads what passed with `c.req.valid('query' | 'json')`. One step, not a layer per part (a
 * guard, a body reader, a media-type gate and a validator for a reserve): every layer is an
 * async frame and promises on every request (docs/performance.md).
 */
function prepare(
  checks: Check[],
  query: z.ZodType | undefined,
  body: z.ZodType | undefined,
): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    for (const check of checks) check(c);
    if (query) c.req.addValidatedData('query', valid(query, queryOf(c)) as Record<string, unknown>);
    if (!body) return next();
    return readJsonBody(c).then((value) => {
      c.req.addValidatedData('json', valid(body, value) as Record<string, unknown>);
      return next();
    });
  };
}

type Handler = Parameters<OpenAPIHono<AppEnv>['openapi']>[1];
/** What `operation()` adds to its definition: its one route middleware, and where Hono routes it. */
type Served = { middleware: MiddlewareHandler<AppEnv>[]; getRoutingPath(): string };
type Operation = RouteConfig & Served;

/**
 * The routes of one part of the API: OpenAPIHono, except that an operation is served behind its
 * own route middleware (`prepare`) and documented as defined, without the validators
 * @hono/zod-openapi would add for each part of its request.
 */
export class ApiRoutes extends OpenAPIHono<AppEnv> {
  override openapi = ((op: Operation, handler: Handler) => {
    const { middleware, ...documented } = op;
    this.openAPIRegistry.registerPath(documented);
    this.on([op.method], [op.getRoutingPath()], ...middleware, handler);
    return this;
  }) as unknown as OpenAPIHono<AppEnv>['openapi'];
}

/**
 * One operation of the API: a @hono/zod-openapi route with its operationId and tag, and its one
 * route middleware (`prepare`: the answers keep their order, 401/403, then 415/413/400). /api
 * operations document 400, 429 and 503, operations with a body 400, 413 and 415, guarded ones
 * 401 (and 403 for a role).
 */
export function operation<const R extends Omit<RouteConfig, 'middleware' | 'operationId' | 'tags' | 'security'>>(
  options: OperationOptions,
  def: R,
) {
  const { operationId, tag, role } = options;
  const { query, body, ...unchecked } = def.request ?? {};
  const bodyTypes = Object.keys(body?.content ?? {});
  // `prepare` checks a query and a required JSON body; nothing else a request may declare.
  if (Object.keys(unchecked).length > 0 || (body && (!body.required || bodyTypes.join() !== 'application/json'))) {
    throw new Error(`${operationId}: an operation's request is a query and a required JSON body, nothing else`);
  }
  const checks = [...(role ? [GUARDS[role]] : []), ...(options.checks ?? [])];
  const bodySchema = (body?.content['application/json'] as { schema?: z.ZodType } | undefined)?.schema;
  const middleware = [prepare(checks, query as z.ZodType | undefined, bodySchema)];
  const implied = {
    // every /api request: its URL is checked for control characters, its caller's rate limit, and
    // it may find Redis or Postgres away (writes are refused at once while Redis is down)
    ...(options.rateLimited === false
      ? {}
      : problems({ 400: 'validation_failed: control characters in the path or query', 429: true, 503: true })),
    // an unsafe /api request that carries the session cookie from a foreign Origin (CSRF)
    ...(options.rateLimited !== false && def.method !== 'get'
      ? problems({ 403: 'forbidden: a cookie-authenticated request from a foreign Origin' })
      : {}),
    ...(role ? problems({ 401: true }) : {}),
    ...(role && role !== 'user' ? problems({ 403: true }) : {}),
    ...(def.request?.body ? problems({ 400: true, 413: true, 415: true }) : {}),
  };
  const route = createRoute({
    ...def,
    operationId,
    tags: [tag],
    ...(role ? { security: [{ bearer: [] }, { cookie: [] }], 'x-role': role } : {}),
    middleware,
    responses: { ...implied, ...def.responses },
  });
  // The definition's own types (request and responses) type the handler.
  return route as unknown as R & Served;
}

export const DOCUMENT_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Ticketing API',
    version: '1.0.0',
    description:
      'Event ticketing: browse, hold, buy, refund, transfer and check in. Errors are RFC 9457 problems ' +
      '(`application/problem+json`) with a stable `code`. Interactive documentation: /docs.',
  },
  tags: [...TAGS],
};

/** The OpenAPI 3.1 document of an app whose routes were defined with `operation()`. */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The token from login or register.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: 'sid' });
  return app.getOpenAPI31Document(DOCUMENT_CONFIG);
}

/**
 * An answer built outside the typed `c.json`: JSON serialised ahead (cached or gzipped bytes), a
 * 304, a stored replay, a stream already under way. The document still describes it (the
 * response test checks the answers against it); only TypeScript cannot see it.
 */
export const preserialised = (res: Response): never => res as never;

/**
 * A preserialised answer with several headers of its own, built as a plain Response: node-server
 * writes a plain header record as it is, while Hono's `c.body` turns more than one header into a
 * Headers object that is copied, sorted and converted again on every request (the hot reads:
 * availability, layout, the seat map).
 */
export const plainAnswer = (body: Uint8Array<ArrayBuffer> | null, status: number, headers: Record<string, string>) =>
  preserialised(new Response(body, { status, headers }));
