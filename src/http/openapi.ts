import { z } from 'zod';
import * as s from './schemas.js';

interface Operation {
  summary: string;
  auth?: 'user' | 'admin' | 'scanner';
  query?: z.ZodObject;
  body?: z.ZodType;
  headers?: string[];
  /** headers a client may send (conditional requests, resumes) */
  optionalHeaders?: string[];
  /** status -> response schema (undefined: no body or free-form) */
  ok: [status: number, schema?: z.ZodType];
  errors: number[];
}

const wrap = (name: string, schema: z.ZodType) => z.strictObject({ [name]: schema });

/** Every operation of the API; a test checks this table against the app's routes. */
export const OPERATIONS: Record<string, Partial<Record<'get' | 'post' | 'put' | 'delete', Operation>>> = {
  '/healthz': { get: { summary: 'The process runs', ok: [200], errors: [] } },
  '/readyz': { get: { summary: 'Redis and Postgres answer', ok: [200], errors: [503] } },
  '/metrics': { get: { summary: 'Prometheus metrics', ok: [200], errors: [] } },
  '/openapi.json': { get: { summary: 'This document', ok: [200], errors: [] } },
  '/api/auth/register': { post: { summary: 'Create an account and a session', body: s.registerSchema, ok: [201, s.sessionSchema], errors: [400, 409, 429] } },
  '/api/auth/login': { post: { summary: 'Start a new session', body: s.loginSchema, ok: [200, s.sessionSchema], errors: [400, 401, 429] } },
  '/api/auth/logout': { post: { summary: 'Destroy the session', auth: 'user', ok: [204], errors: [401] } },
  '/api/auth/me': { get: { summary: 'The caller', auth: 'user', ok: [200, wrap('user', s.userSchema)], errors: [401] } },
  '/api/venues': {
    get: { summary: 'All venues', ok: [200, wrap('venues', z.array(s.venueSchema))], errors: [] },
    post: { summary: 'Create a venue', auth: 'admin', body: s.createVenueSchema, ok: [201, wrap('venue', s.venueSchema)], errors: [400, 401, 403] },
  },
  '/api/venues/{id}': {
    get: { summary: 'A venue with its layout', ok: [200, wrap('venue', s.venueSchema)], errors: [404] },
    put: {
      summary: 'Change a venue: name, address, city; sections only while no event uses it (else 409 venue_in_use)', auth: 'admin',
      body: s.updateVenueSchema, ok: [200, wrap('venue', s.venueSchema)], errors: [400, 401, 403, 404, 409],
    },
  },
  '/api/events': {
    get: {
      summary: 'Search events, sorted by date', query: s.eventSearchSchema,
      ok: [200, z.strictObject({ events: z.array(s.eventSchema), nextCursor: z.string().nullable() })], errors: [400],
    },
    post: { summary: 'Create an event and its seats', auth: 'admin', body: s.createEventSchema, ok: [201, wrap('event', s.eventSchema)], errors: [400, 401, 403] },
  },
  '/api/events/{id}': {
    get: { summary: 'An event with live counts', ok: [200, wrap('event', s.eventSchema)], errors: [404] },
    put: { summary: 'Change an event', auth: 'admin', body: s.updateEventSchema, ok: [200, wrap('event', s.eventSchema)], errors: [400, 401, 403, 404, 409] },
  },
  '/api/events/{id}/seats': { get: { summary: 'The seat map', ok: [200, s.seatMapSchema], errors: [404] } },
  '/api/events/{id}/layout': {
    get: { summary: 'The seats in layout order, once per layout version (ETag; If-None-Match gives 304)', optionalHeaders: ['If-None-Match'], ok: [200, s.layoutSchema], errors: [404] },
  },
  '/api/events/{id}/availability': {
    get: { summary: 'Seat states, one character per seat (ETag is the version; If-None-Match gives 304)', optionalHeaders: ['If-None-Match'], ok: [200, s.availabilitySchema], errors: [404, 503] },
  },
  '/api/events/{id}/live': {
    get: {
      summary: 'Server-sent events: a snapshot, then coalesced changes (id = version; resume with Last-Event-ID)',
      optionalHeaders: ['Last-Event-ID'], ok: [200], errors: [404, 503],
    },
  },
  '/api/seats/reserve': { post: { summary: 'Hold seats', auth: 'user', body: s.seatRequestSchema, ok: [201, s.holdSchema], errors: [400, 401, 403, 404, 409, 429] } },
  '/api/seats/best': {
    post: {
      summary: 'Hold the best block of adjacent seats in one row', auth: 'user', body: s.bestSeatsSchema,
      ok: [201, s.holdSchema], errors: [400, 401, 403, 404, 409, 429],
    },
  },
  '/api/seats/extend': {
    post: { summary: 'More time for the hold, once per hold', auth: 'user', body: s.extendHoldSchema, ok: [200, s.holdSchema], errors: [400, 401, 404, 409] },
  },
  '/api/seats/release': {
    delete: { summary: 'Release held seats', auth: 'user', body: s.seatRequestSchema, ok: [200, z.strictObject({ releasedSeatIds: z.array(s.uuid) })], errors: [400, 401] },
  },
  '/api/checkout': {
    post: {
      summary: 'Buy the held seats', auth: 'user', body: s.checkoutSchema, headers: ['Idempotency-Key'],
      ok: [201, wrap('order', s.orderSchema)], errors: [400, 401, 402, 409, 422, 429, 503],
    },
  },
  '/api/orders': { get: { summary: "The caller's orders, newest first", auth: 'user', ok: [200, wrap('orders', z.array(s.orderSchema))], errors: [401] } },
  '/api/orders/{id}': { get: { summary: 'An order', auth: 'user', ok: [200, wrap('order', s.orderSchema)], errors: [401, 404] } },
  '/api/orders/{id}/refund': { post: { summary: 'Refund an order', auth: 'user', ok: [200, wrap('order', s.orderSchema)], errors: [401, 404, 409, 503] } },
  '/api/tickets': { get: { summary: 'Tickets the caller holds (bought or received)', auth: 'user', ok: [200, wrap('tickets', z.array(s.ticketSchema))], errors: [401] } },
  '/api/tickets/transfers': {
    get: { summary: 'Transfers the caller sent or received, newest first', auth: 'user', ok: [200, wrap('transfers', z.array(s.transferSchema))], errors: [401] },
  },
  '/api/tickets/{id}/code': { get: { summary: 'A signed code valid for at most 30 s (holder only)', auth: 'user', ok: [200, s.ticketCodeSchema], errors: [401, 404] } },
  '/api/tickets/{id}/qr.svg': { get: { summary: 'The current code as a QR image, image/svg+xml (holder only)', auth: 'user', ok: [200], errors: [401, 404] } },
  '/api/tickets/{id}/transfer': {
    post: {
      summary: 'Give the ticket to another account; every earlier code is void', auth: 'user', body: s.transferTicketSchema,
      ok: [200, wrap('ticket', s.ticketSchema)], errors: [400, 401, 404, 409, 422],
    },
  },
  '/api/checkin': {
    post: { summary: 'Admit a ticket by its code (scanners and admins)', auth: 'scanner', body: s.checkInSchema, ok: [200, s.checkInResultSchema], errors: [400, 401, 403, 409] },
  },
  '/api/queue/{eventId}/join': {
    post: { summary: 'Join the waiting room (again: keeps the place)', auth: 'user', ok: [200, s.queueStandingSchema], errors: [401, 404, 409] },
  },
  '/api/queue/{eventId}/position': { get: { summary: 'Place in the waiting room', auth: 'user', ok: [200, s.queueStandingSchema], errors: [401, 404, 409] } },
  '/api/queue/{eventId}/status': { get: { summary: 'Waiting, admitted or expired', auth: 'user', ok: [200, s.queueStatusSchema], errors: [401, 404, 409] } },
  '/api/queue/{eventId}/leave': { post: { summary: 'Give up the place or admission', auth: 'user', ok: [204], errors: [401] } },
  '/api/admin/orders': {
    get: {
      summary: "Every buyer's orders, newest first; filters email, eventId, status, from, to; keyset pages", auth: 'admin',
      query: s.adminOrderSearchSchema,
      ok: [200, z.strictObject({ orders: z.array(s.orderSchema), nextCursor: z.string().nullable() })], errors: [400, 401, 403],
    },
  },
  '/api/admin/events/{id}/stats': { get: { summary: 'Live counts and revenue', auth: 'admin', ok: [200, s.statsSchema], errors: [401, 403, 404] } },
  '/api/admin/events/{id}/cancel': {
    post: {
      summary: 'Cancel the event and refund every order', auth: 'admin',
      ok: [200, z.strictObject({ event: s.eventSchema, refundedOrders: z.number().int() })], errors: [401, 403, 404, 503],
    },
  },
  '/api/admin/webhooks': {
    post: {
      summary: 'Subscribe a URL to notification types; the signing secret is shown only here', auth: 'admin',
      body: s.createWebhookSchema, ok: [201, s.createdWebhookSchema], errors: [400, 401, 403],
    },
    get: { summary: 'Webhook subscriptions (without secrets)', auth: 'admin', ok: [200, s.webhookListSchema], errors: [401, 403] },
  },
  '/api/admin/webhooks/{id}': { delete: { summary: 'Remove a webhook; its pending deliveries stop', auth: 'admin', ok: [204], errors: [401, 403, 404] } },
  '/api/admin/webhooks/{id}/deliveries': {
    get: { summary: "The webhook's delivery log, newest first", auth: 'admin', ok: [200, s.deliveryListSchema], errors: [401, 403, 404] },
  },
};

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[path] = {};
    for (const [method, op] of Object.entries(methods)) {
      const parameters = [
        ...[...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } })),
        ...Object.entries(op.query?.shape ?? {}).map(([name, schema]) => ({ name, in: 'query', schema: jsonSchema(schema as z.ZodType) })),
        ...(op.headers ?? []).map((name) => ({ name, in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 } })),
        ...(op.optionalHeaders ?? []).map((name) => ({ name, in: 'header', required: false, schema: { type: 'string', maxLength: 255 } })),
      ];
      const [okStatus, okSchema] = op.ok;
      paths[path][method] = {
        summary: op.summary,
        ...(op.auth ? { security: [{ bearer: [] }, { cookie: [] }], 'x-role': op.auth } : {}),
        ...(parameters.length ? { parameters } : {}),
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
        responses: {
          [okStatus]: { description: 'Success', ...(okSchema ? { content: { 'application/json': { schema: jsonSchema(okSchema) } } } : {}) },
          ...Object.fromEntries(op.errors.map((status) => [status, { description: 'Problem', content: problem }])),
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Ticketing API', version: '1.0.0', description: 'Event ticketing: browse, hold, buy, refund. Errors are RFC 9457 problems.' },
    paths,
    components: {
      schemas: { Problem: jsonSchema(s.problemSchema) },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'sid' },
      },
    },
  };
}
