import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../appDeps.js';
import { notFound, ticketError } from '../errors.js';
import { requireScanner, requireUser } from '../middleware/auth.js';
import { ApiRoutes, type Check, json, jsonRequest, operation, pathIds, problems } from '../openapi.js';
import {
  checkInResultSchema,
  checkInSchema,
  ticketCodeSchema,
  ticketSchema,
  transferSchema,
  transferTicketSchema,
  uuid,
} from '../schemas.js';

/** A ticket id from the path; a malformed one is simply an unknown ticket. */
function ticketId(param: string): string {
  const id = uuid.safeParse(param);
  if (!id.success) throw notFound('ticket');
  return id.data;
}

/** A malformed ticket id is a 404 before the body is looked at, as it always was. */
const wellFormedTicketId: Check = (c) => void ticketId(c.req.param('id') ?? '');

/** Codes change every few seconds: nobody may cache them. */
const NO_STORE = { 'Cache-Control': 'no-store' };

const held = operation(
  { operationId: 'listTickets', tag: 'Tickets', role: 'user' },
  {
    method: 'get',
    path: '/tickets',
    summary: 'Tickets the caller holds (bought or received)',
    responses: { 200: json(z.strictObject({ tickets: z.array(ticketSchema) }), 'The tickets') },
  },
);
const transfers = operation(
  { operationId: 'listTransfers', tag: 'Tickets', role: 'user' },
  {
    method: 'get',
    path: '/tickets/transfers',
    summary: 'Transfers the caller sent or received, newest first',
    responses: { 200: json(z.strictObject({ transfers: z.array(transferSchema) }), 'The transfers') },
  },
);
const code = operation(
  { operationId: 'getTicketCode', tag: 'Tickets', role: 'user' },
  {
    method: 'get',
    path: '/tickets/{id}/code',
    summary: 'A signed code valid for at most 30 s (holder only)',
    ...pathIds('id'),
    responses: { 200: json(ticketCodeSchema, 'The code'), ...problems({ 404: true }) },
  },
);
const qr = operation(
  { operationId: 'getTicketQr', tag: 'Tickets', role: 'user' },
  {
    method: 'get',
    path: '/tickets/{id}/qr.svg',
    summary: 'The current code as a QR image (holder only)',
    ...pathIds('id'),
    responses: {
      200: {
        description: 'An SVG image',
        content: { 'image/svg+xml': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      ...problems({ 404: true }),
    },
  },
);
const transfer = operation(
  { operationId: 'transferTicket', tag: 'Tickets', role: 'user', checks: [wellFormedTicketId] },
  {
    method: 'post',
    path: '/tickets/{id}/transfer',
    summary: 'Give the ticket to another account; every code issued before is void',
    ...pathIds('id'),
    request: jsonRequest(transferTicketSchema),
    responses: {
      200: json(z.strictObject({ ticket: ticketSchema }), 'The ticket, now held by the recipient'),
      ...problems({
        404: true,
        409: 'ticket_not_transferable (checked in, refunded, event over or cancelled)',
        422: 'recipient_not_found, transfer_to_self',
      }),
    },
  },
);
const checkIn = operation(
  { operationId: 'checkIn', tag: 'Tickets', role: 'scanner' },
  {
    method: 'post',
    path: '/checkin',
    summary: 'Admit a ticket by its code (scanners and admins)',
    request: jsonRequest(checkInSchema),
    responses: {
      200: json(checkInResultSchema, 'Admitted'),
      ...problems({
        400: 'invalid_code (forged, expired or void), validation_failed, malformed_json',
        409: 'already_checked_in (with checkedInAt), ticket_refunded, wrong_event',
      }),
    },
  },
);

export function ticketRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  const { tickets } = deps;

  app.openapi(held, async (c) => c.json({ tickets: await tickets.held(requireUser(c).id) }, 200));

  app.openapi(transfers, async (c) => c.json({ transfers: await tickets.transfers(requireUser(c).id) }, 200));

  app.openapi(code, async (c) => {
    const code = await tickets.code(ticketId(c.req.param('id')), requireUser(c).id);
    if (!code) throw notFound('ticket');
    return c.json({ code: code.code, expiresAt: new Date(code.expiresAtMs).toISOString() }, 200, NO_STORE);
  });

  app.openapi(qr, async (c) => {
    const svg = await tickets.qrSvg(ticketId(c.req.param('id')), requireUser(c).id);
    if (!svg) throw notFound('ticket');
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml', ...NO_STORE });
  });

  app.openapi(transfer, async (c) => {
    const user = requireUser(c);
    const id = ticketId(c.req.param('id'));
    const body = c.req.valid('json');
    const result = await tickets.transfer(id, user.id, body.toEmail);
    if (!result.ok) throw ticketError(result.code, 'reason' in result ? { reason: result.reason } : {});
    return c.json({ ticket: result.ticket }, 200);
  });

  app.openapi(checkIn, async (c) => {
    const scanner = requireScanner(c);
    const body = c.req.valid('json');
    const result = await tickets.checkIn(body.code, { scannerId: scanner.id, gate: body.gate, eventId: body.eventId });
    if (result.ok) return c.json({ result: 'admitted' as const, ticket: result.ticket }, 200);
    if (result.code === 'invalid_code') throw ticketError(result.code, { reason: result.reason });
    if (result.code === 'already_checked_in') {
      throw ticketError(result.code, { checkedInAt: result.checkedInAt, gate: result.gate, ticket: result.ticket });
    }
    throw ticketError(result.code, { ticket: result.ticket });
  });
  return app;
}
