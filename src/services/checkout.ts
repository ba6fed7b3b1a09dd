import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import type { RateDecision, RateLimit } from '../engine/operations/limitRate.js';
import type { HoldResult } from '../engine/operations/getHold.js';
import { failpoint } from '../infra/failpoints.js';
import type { LineLog } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { Catalog, EventLayout } from './catalog.js';
import type { Announcements, DurableWaiter } from './durableWaiter.js';
import { fingerprintOf, type IdempotencyStore } from './idempotency.js';
import { findOrder, soldOrderView, type OrderView } from './orders.js';
import { charge } from './payments.js';

export interface CheckoutRequest {
  userId: string;
  /** the client's Idempotency-Key */
  key: string;
  /** the request as the client sent it; its fingerprint binds the key to it */
  body: { eventId: string; payment: { token: string } };
  log: LineLog;
  /** the caller's checkout rate limit, applied by the checkout's first engine call (getHold) */
  rate?: RateLimit | undefined;
}

/** What the buyer is answered: the durable order, or (a replay) the answer kept for the key. */
export type CheckoutAnswer = { status: number; body: unknown; replayed: boolean; rate?: RateDecision | undefined };

/** Why a checkout did not sell: each is a definite answer, except `event_restoring` and `not_yet_durable` (retry). */
export type CheckoutRefusal =
  | 'event_not_found'
  | 'event_restoring'
  | 'event_closed'
  | 'not_on_sale'
  | 'sales_ended'
  | 'no_active_hold'
  | 'hold_changed'
  | 'payment_declined'
  | 'not_yet_durable'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  /** over the caller's rate limit: nothing was done (the key is freed) */
  | 'rate_limited';

export class CheckoutError extends Error {
  constructor(
    readonly code: CheckoutRefusal,
    /** the rate limiter's decision, when the engine made one (on a refusal for the limit, always) */
    readonly rate?: RateDecision,
    /** not_yet_durable: when the order is likely recorded (from the persister's state) */
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
    this.name = 'CheckoutError';
  }
}

export interface CheckoutDeps {
  engine: Engine;
  pool: Pool;
  catalog: Catalog;
  durable: DurableWaiter;
  metrics: Metrics;
  records: IdempotencyStore;
  /** how long a checkout waits for its sale to reach Postgres before answering "retry" */
  durableTimeoutMs: number;
}

/**
 * A purchase: the held seats are paid for, sold by the event's actor, and answered once
 * the sale is in Postgres. Two idempotency mechanisms make a retried request safe:
 *
 * - The request record (IdempotencyStore, per user and Idempotency-Key): the first request
 *   claims the key (`in_flight`, short-lived), and its answer is kept (`done`, a day) so a
 *   replay gets the same answer; a key sent with another body is refused. A retryable
 *   failure frees the key.
 * - The actor's key: confirmSale stores the key with the order it bought, atomically with
 *   the sale, and getHold reports it. This survives what the record cannot see: a process
 *   that died after the sale but before keeping its answer. So a retry that finds the
 *   record `in_flight` (or that races the first request into confirmSale) answers with the
 *   order the key already bought instead of selling twice.
 */
export class CheckoutService {
  constructor(private readonly deps: CheckoutDeps) {}

  /**
   * Runs the checkout for this key once. `answerToKeep` turns a failure into the answer
   * replays of the key get (definite refusals), or undefined to free the key (retryable).
   */
  async checkout(
    req: CheckoutRequest,
    answerToKeep: (err: unknown) => { status: number; body: unknown } | undefined,
  ): Promise<CheckoutAnswer> {
    const { records } = this.deps;
    const fingerprint = fingerprintOf(req.body);
    const existing = await records.begin(req.userId, req.key, fingerprint);
    if (existing && existing.fingerprint !== fingerprint) throw new CheckoutError('idempotency_key_reused');
    if (existing?.state === 'in_flight') {
      // The first request may have died after the engine took the sale (a crash): the sale
      // is the truth, so this retry answers with it instead of waiting out the claim.
      const hold = withinLimit(await this.deps.engine.getHold(req.body.eventId, req.userId, req.key, req.rate));
      const sold = hold.ok ? hold.boughtOrderId : undefined;
      if (!sold) throw new CheckoutError('idempotency_in_progress');
      const result = await this.durableOrder(sold);
      await records.complete(req.userId, req.key, { state: 'done', fingerprint, status: 201, body: result });
      return { status: 201, body: result, replayed: false, rate: hold.rate };
    }
    if (existing?.state === 'done') return { status: existing.status, body: existing.body, replayed: true };
    try {
      const { result, rate } = await this.buy(req);
      await records.complete(req.userId, req.key, { state: 'done', fingerprint, status: 201, body: result });
      return { status: 201, body: result, replayed: false, rate };
    } catch (err) {
      // Definite answers are kept for replays; anything retryable frees the key.
      const answer = answerToKeep(err);
      if (answer) await records.complete(req.userId, req.key, { state: 'done', fingerprint, ...answer });
      else await records.abandon(req.userId, req.key);
      throw err;
    }
  }

  /**
   * The actor refused an event it does not know (or knows from an older release): either
   * the event does not exist, or Redis lost the actor, which is rebuilt from Postgres while
   * the client retries.
   */
  private async restoreActor(eventId: string): Promise<never> {
    if (!(await this.deps.catalog.findEvent(eventId))) throw new CheckoutError('event_not_found');
    await this.deps.catalog.ensureActor(eventId);
    throw new CheckoutError('event_restoring');
  }

  /** Waits until the order is in Postgres: an answer only for a durable sale. */
  private async durableOrder(orderId: string, sold?: { listening: Announcements; view: OrderView }) {
    if (!(await this.deps.durable.wait(orderId, this.deps.durableTimeoutMs, 'sold', sold?.listening))) {
      throw new CheckoutError('not_yet_durable', undefined, this.deps.durable.retryAfterSeconds());
    }
    return { order: sold?.view ?? (await findOrder(this.deps.pool, orderId)) };
  }

  /** The hold (the checkout's first engine call, its rate limit included), then the sale. */
  private async buy(req: CheckoutRequest) {
    const layout = await this.deps.catalog.layout(req.body.eventId);
    if (!layout) throw new CheckoutError('event_not_found');
    const hold = withinLimit(await this.deps.engine.getHold(req.body.eventId, req.userId, req.key, req.rate));
    if (!hold.ok) return this.restoreActor(req.body.eventId);
    try {
      return { result: await this.sell(req, hold, layout), rate: hold.rate };
    } catch (err) {
      // a refusal after the hold was counted still answers with the limiter's headers
      throw err instanceof CheckoutError && hold.rate
        ? new CheckoutError(err.code, hold.rate, err.retryAfterSeconds)
        : err;
    }
  }

  private async sell(
    { userId, key, body, log }: CheckoutRequest,
    hold: Extract<HoldResult, { ok: true }>,
    layout: EventLayout,
  ) {
    const { engine, metrics } = this.deps;
    // A retry of a purchase that already went through (e.g. after a crash) returns that order.
    if (hold.boughtOrderId) return this.durableOrder(hold.boughtOrderId);
    if (hold.held.length === 0) throw new CheckoutError('no_active_hold');
    const totalCents = hold.held.reduce((sum, h) => sum + h.priceCents, 0);
    const payment = charge(`${userId}:${key}`, body.payment.token, totalCents);
    if (!payment.ok) {
      log.info({ event: 'checkout_failed', reason: 'payment_declined', eventId: body.eventId });
      metrics.checkouts.inc({ result: 'failed', reason: 'payment_declined' });
      throw new CheckoutError('payment_declined');
    }
    const orderId = randomUUID();
    // Listening before the sale exists, so its announcement cannot be missed.
    const listening = this.deps.durable.listen(orderId);
    try {
      const sale = await engine.confirmSale({
        eventId: body.eventId,
        userId,
        orderId,
        idempotencyKey: key,
        paymentRef: payment.reference,
        seats: hold.held.map((h) => h.index),
      });
      if (!sale.ok) {
        if (sale.code === 'event_not_found' || sale.code === 'actor_outdated')
          return await this.restoreActor(body.eventId);
        log.info({ event: 'checkout_failed', reason: sale.code, eventId: body.eventId });
        metrics.checkouts.inc({ result: 'failed', reason: sale.code });
        throw new CheckoutError(sale.code);
      }
      // Crash tests: CHECKOUT_FAILPOINT=after_sale dies with the sale taken and nothing answered or kept.
      failpoint('CHECKOUT_FAILPOINT', 'after_sale');
      // The key bought already (a race with a retry): answer with that order.
      if (sale.replay) return await this.durableOrder(sale.orderId);
      log.info({ event: 'checkout_completed', eventId: body.eventId, orderId, totalCents });
      metrics.checkouts.inc({ result: 'completed', reason: '' });
      metrics.seatsSold.inc(hold.held.length);
      const view = soldOrderView({ ...sale, userId, eventId: body.eventId }, (index) => layout.seats[index]!);
      return await this.durableOrder(orderId, { listening, view });
    } finally {
      listening.stop();
    }
  }
}

/** A hold refused for the caller's rate limit ends the checkout with nothing done. */
function withinLimit(hold: HoldResult): Exclude<HoldResult, { code: 'rate_limited' }> {
  if (!hold.ok && hold.code === 'rate_limited') throw new CheckoutError('rate_limited', hold.rate);
  return hold as Exclude<HoldResult, { code: 'rate_limited' }>;
}
