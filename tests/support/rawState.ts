import type { EngineFixture } from './engine.js';

/** Every Redis structure of an event's actor, to prove an operation changed nothing. */
export async function rawState(fx: EngineFixture, eventId: string) {
  const k = fx.engine.keys(eventId)!;
  const [state, seats, deadlines, orders, idempotency, sales] = await Promise.all([
    fx.redis.hgetall(k.state),
    fx.redis.get(k.seats),
    fx.redis.zrange(k.deadlines, 0, -1, 'WITHSCORES'),
    fx.redis.hgetall(k.orders),
    fx.redis.hgetall(k.idempotency),
    fx.redis.xlen(k.sales),
  ]);
  return { state, seats, deadlines, orders, idempotency, sales };
}
