import { z } from '@hono/zod-openapi';
import { CheckoutError, type CheckoutRefusal } from '../../services/checkout.js';
import type { AppDeps } from '../appDeps.js';
import { AppError, engineError, notFound, problemBody, unavailable } from '../errors.js';
import { requireUser } from '../middleware/auth.js';
import { applyScriptRate, scriptRate } from '../middleware/rateLimit.js';
import { ApiRoutes, type Check, json, jsonRequest, operation, preserialised, problems } from '../openapi.js';
import { checkoutSchema, orderSchema } from '../schemas.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;

/** Before the body is read: a missing or malformed key is its own 400 (idempotency_key_required). */
const requireIdempotencyKey: Check = (c) => {
  const key = c.req.header('idempotency-key');
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw new AppError(
      400,
      'idempotency_key_required',
      'Send an Idempotency-Key header of 1 to 255 printable characters.',
    );
  }
};

const checkout = operation(
  { operationId: 'checkout', tag: 'Checkout', role: 'user', checks: [requireIdempotencyKey] },
  {
    method: 'post',
    path: '/',
    summary: 'Buy every seat the caller holds for the event; the order is in Postgres when 201 is sent',
    description:
      'Replaying a finished request with the same Idempotency-Key and body answers the same status and body, ' +
      'with the header Idempotent-Replayed: true. Test card tokens: tok_visa succeeds, tok_declined is declined.',
    // checked by requireIdempotencyKey, before the body
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: '1 to 255 printable ASCII characters',
        schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source, example: 'order-7f3a' },
      },
    ],
    request: jsonRequest(checkoutSchema),
    responses: {
      201: json(z.strictObject({ order: orderSchema }), 'The order'),
      ...problems({
        400: 'idempotency_key_required, validation_failed, malformed_json',
        402: 'payment_declined (the hold stays)',
        404: true,
        409: 'no_active_hold, idempotency_in_progress, hold_changed, event_not_on_sale',
        422: 'idempotency_key_reused: the same key with another body',
        503: 'not yet durable: retry with the same Idempotency-Key (Retry-After)',
      }),
    },
  },
);

/** The checkout service's refusals as HTTP answers. */
function checkoutHttpError(code: CheckoutRefusal, retryAfterSeconds = 1): AppError {
  switch (code) {
    case 'event_not_found':
      return notFound('event');
    case 'event_restoring':
      return unavailable('The event is being restored; retry in a moment.');
    case 'payment_declined':
      return new AppError(402, 'payment_declined', 'The card was declined; your seats are still held.');
    case 'not_yet_durable':
      return unavailable(
        'Your purchase is confirmed and being recorded; retry with the same Idempotency-Key.',
        retryAfterSeconds,
      );
    case 'idempotency_key_reused':
      return new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with another request.');
    case 'idempotency_in_progress':
      return new AppError(
        409,
        'idempotency_in_progress',
        'A request with this Idempotency-Key is in progress.',
        {},
        { 'Retry-After': '1' },
      );
    default:
      return engineError(code);
  }
}

const asHttp = (err: unknown) =>
  err instanceof CheckoutError ? checkoutHttpError(err.code, err.retryAfterSeconds) : err;

/** POST /api/checkout: translates HTTP to a call of the checkout service (src/services/checkout.ts) and back. */
export function checkoutRoutes(deps: AppDeps) {
  const app = new ApiRoutes();
  app.openapi(checkout, async (c) => {
    const user = requireUser(c);
    const key = c.req.header('idempotency-key')!;
    const body = c.req.valid('json');
    try {
      const answer = await deps.checkout.checkout(
        { userId: user.id, key, body, log: c.get('log'), rate: scriptRate(c) },
        (err) => {
          const http = asHttp(err);
          // A refusal is kept for replays of the key; a rate-limited attempt frees it (retry later).
          return http instanceof AppError && http.status >= 400 && http.status < 500 && http.status !== 429
            ? { status: http.status, body: problemBody(http, c.req.path) }
            : undefined;
        },
      );
      applyScriptRate(c, deps.metrics, answer.rate);
      // The body is the stored answer (the order, or a replayed problem): documented, typed as stored.
      if (!answer.replayed) return preserialised(c.json(answer.body as object, 201));
      c.header('Idempotent-Replayed', 'true');
      return preserialised(
        answer.status === 201
          ? c.json(answer.body as object, 201)
          : c.body(JSON.stringify(answer.body), answer.status as 402, { 'Content-Type': 'application/problem+json' }),
      );
    } catch (err) {
      if (err instanceof CheckoutError) applyScriptRate(c, deps.metrics, err.rate);
      throw asHttp(err);
    }
  });
  return app;
}
