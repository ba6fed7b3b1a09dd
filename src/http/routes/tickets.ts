import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { jsonBody } from '../body.js';
import { notFound, ticketError } from '../errors.js';
import { requireScanner, requireUser } from '../middleware/auth.js';
import { checkInSchema, transferTicketSchema, uuid } from '../schemas.js';

/** A ticket id from the path; a malformed one is simply an unknown ticket. */
function ticketId(param: string): string {
  const id = uuid.safeParse(param);
  if (!id.success) throw notFound('ticket');
  return id.data;
}

/** Codes change every few seconds: nobody may cache them. */
const NO_STORE = { 'Cache-Control': 'no-store' };

export function ticketRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const { tickets } = deps;

  app.get('/tickets', async (c) => c.json({ tickets: await tickets.held(requireUser(c).id) }));

  app.get('/tickets/transfers', async (c) => c.json({ transfers: await tickets.transfers(requireUser(c).id) }));

  app.get('/tickets/:id/code', async (c) => {
    const code = await tickets.code(ticketId(c.req.param('id')), requireUser(c).id);
    if (!code) throw notFound('ticket');
    return c.json({ code: code.code, expiresAt: new Date(code.expiresAtMs).toISOString() }, 200, NO_STORE);
  });

  app.get('/tickets/:id/qr.svg', async (c) => {
    const svg = await tickets.qrSvg(ticketId(c.req.param('id')), requireUser(c).id);
    if (!svg) throw notFound('ticket');
    return c.body(svg, 200, { 'Content-Type': 'image/svg+xml', ...NO_STORE });
  });

  app.post('/tickets/:id/transfer', async (c) => {
    const user = requireUser(c);
    const id = ticketId(c.req.param('id'));
    const body = await jsonBody(c, transferTicketSchema);
    const result = await tickets.transfer(id, user.id, body.toEmail);
    if (!result.ok) throw ticketError(result.code, 'reason' in result ? { reason: result.reason } : {});
    return c.json({ ticket: result.ticket });
  });

  app.post('/checkin', async (c) => {
    const scanner = requireScanner(c);
    const body = await jsonBody(c, checkInSchema);
    const result = await tickets.checkIn(body.code, { scannerId: scanner.id, gate: body.gate, eventId: body.eventId });
    if (result.ok) return c.json({ result: 'admitted', ticket: result.ticket });
    if (result.code === 'invalid_code') throw ticketError(result.code, { reason: result.reason });
    if (result.code === 'already_checked_in') {
      throw ticketError(result.code, { checkedInAt: result.checkedInAt, gate: result.gate, ticket: result.ticket });
    }
    throw ticketError(result.code, { ticket: result.ticket });
  });
  return app;
}
