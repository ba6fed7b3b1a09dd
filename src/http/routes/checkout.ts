import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { z } from 'zod';
import type { Logger } from '../../infra/logger.js';
import type { SessionUser } from '../sessions.js';
import type { Announcements } from '../../services/durableWaiter.js';
import { fingerprintOf, IdempotencyStore } from '../../services/idempotency.js';
import { findOrder, soldOrderView, type OrderView } from '../../services/orders.js';
import { charge } from '../../services/payments.js';
import { actorNeedsLoad, missingActor } from '../actors.js';
import { jsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../appDeps.js';
import { AppError, engineError, notFound, problemBody, unavailable } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { checkoutSchema } from '../schemas.js';

type CheckoutBody = z.infer<typeof checkoutSchema>;

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

export function checkoutRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  const records = new IdempotencyStore(deps.redis, deps.engine.prefix);

  /** Waits until the order is in Postgres: 201 only for a durable sale. */
  async function durableOrder(orderId: string, sold?: { listening: Announcements; view: OrderView }) {
    if (!(await deps.durable.wait(orderId, deps.durableTimeoutMs, 'sold', sold?.listening))) {
      throw unavailable('Your purchase is confirmed and being recorded; retry with the same Idempotency-Key.', 1);
    }
    return { order: sold?.view ?? (await findOrder(deps.pool, orderId)) };
  }

  async function checkout(user: SessionUser, key: string, body: CheckoutBody, log: Logger) {
    const layout = await deps.catalog.layout(body.eventId);
    if (!layout) throw notFound('event');
    const hold = await deps.engine.getHold(body.eventId, user.id, key);
    if (!hold.ok) return missingActor(deps, body.eventId);
    // A retry of a purchase that already went through (e.g. after a crash) returns that order.
    if (hold.boughtOrderId) return durableOrder(hold.boughtOrderId);
    if (hold.held.length === 0) throw engineError('no_active_hold');
    const totalCents = hold.held.reduce((sum, h) => sum + h.priceCents, 0);
    const payment = charge(`${user.id}:${key}`, body.payment.token, totalCents);
    if (!payment.ok) {
      log.info({ event: 'checkout_failed', reason: 'payment_declined', eventId: body.eventId });
      deps.metrics.checkouts.inc({ result: 'failed', reason: 'payment_declined' });
      throw new AppError(402, 'payment_declined', 'The card was declined; your seats are still held.');
    }
    const orderId = randomUUID();
    // Listening before the sale exists, so its announcement cannot be missed.
    const listening = deps.durable.listen(orderId);
    try {
      const sale = await deps.engine.confirmSale({
        eventId: body.eventId, userId: user.id, orderId, idempotencyKey: key,
        paymentRef: payment.reference, seats: hold.held.map((h) => h.index),
      });
      if (!sale.ok) {
        if (actorNeedsLoad(sale.code)) return await missingActor(deps, body.eventId);
        log.info({ event: 'checkout_failed', reason: sale.code, eventId: body.eventId });
        deps.metrics.checkouts.inc({ result: 'failed', reason: sale.code });
        throw engineError(sale.code);
      }
      // The key bought already (a race with a retry): answer with that order.
      if (sale.replay) return await durableOrder(sale.orderId);
      log.info({ event: 'checkout_completed', eventId: body.eventId, orderId, totalCents });
      deps.metrics.checkouts.inc({ result: 'completed', reason: '' });
      deps.metrics.seatsSold.inc(hold.held.length);
      // A buyer admitted from the waiting room is done: the place goes to the next in line.
      if ((await deps.catalog.findEvent(body.eventId))?.high_demand) await deps.engine.leaveQueue(body.eventId, user.id);
      const view = soldOrderView({ ...sale, userId: user.id, eventId: body.eventId }, (index) => layout.seats[index]!);
      return await durableOrder(orderId, { listening, view });
    } finally {
      listening.stop();
    }
  }

  app.post('/', async (c) => {
    const user = requireUser(c);
    const key = c.req.header('idempotency-key');
    if (!key || !IDEMPOTENCY_KEY.test(key)) {
      throw new AppError(400, 'idempotency_key_required', 'Send an Idempotency-Key header of 1 to 255 printable characters.');
    }
    const body = await jsonBody(c, checkoutSchema);
    const fingerprint = fingerprintOf(body);
    const existing = await records.begin(user.id, key, fingerprint);
    if (existing && existing.fingerprint !== fingerprint) {
      throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with another request.');
    }
    if (existing?.state === 'in_flight') {
      // The first request may have died after the engine took the sale (a crash): the sale
      // is the truth, so this retry answers with it instead of waiting out the claim.
      const hold = await deps.engine.getHold(body.eventId, user.id, key);
      const sold = hold.ok ? hold.boughtOrderId : undefined;
      if (!sold) {
        throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is in progress.', {}, { 'Retry-After': '1' });
      }
      const result = await durableOrder(sold);
      await records.complete(user.id, key, { state: 'done', fingerprint, status: 201, body: result });
      return c.json(result, 201);
    }
    if (existing?.state === 'done') {
      c.header('Idempotent-Replayed', 'true');
      return existing.status === 201
        ? c.json(existing.body as object, 201)
        : c.body(JSON.stringify(existing.body), existing.status as 402, { 'Content-Type': 'application/problem+json' });
    }
    try {
      const result = await checkout(user, key, body, c.get('log'));
      await records.complete(user.id, key, { state: 'done', fingerprint, status: 201, body: result });
      return c.json(result, 201);
    } catch (err) {
      // Definite answers are kept for replays; anything retryable frees the key.
      if (err instanceof AppError && err.status >= 400 && err.status < 500) {
        await records.complete(user.id, key, { state: 'done', fingerprint, status: err.status, body: problemBody(err, c.req.path) });
      } else {
        await records.abandon(user.id, key);
      }
      throw err;
    }
  });
  return app;
}
