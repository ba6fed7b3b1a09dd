import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { expandLayout, type Section } from '../../src/domain/layout.js';
import type { Engine } from '../../src/engine/engine.js';
import { insertEventWithSeats } from '../../src/persist/repositories/events.js';
import { insertVenue } from '../../src/persist/repositories/venues.js';
import { engineFixture, type EngineFixture } from './engine.js';
import { freshDatabase, type TestDatabase } from './postgres.js';

export async function seedUsers(pool: Pool, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash)
     SELECT id, 'buyer-' || id || '@example.test', 'Buyer', 'x' FROM unnest($1::uuid[]) AS id`,
    [ids],
  );
  return ids;
}

export interface SeededEvent {
  eventId: string;
  venueId: string;
  seatIds: string[];
}

/** A venue and an on-sale event with `rows` x `seatsPerRow` seats at 5000 cents, in Postgres and in the engine. */
export async function seedEvent(
  pool: Pool,
  engine: Engine,
  options: { rows?: number; seatsPerRow?: number; highDemand?: boolean } = {},
): Promise<SeededEvent> {
  const sections: Section[] = [{ name: 'Floor', rows: options.rows ?? 2, seatsPerRow: options.seatsPerRow ?? 10 }];
  const venue = await insertVenue(pool, {
    id: randomUUID(),
    name: 'Test Hall',
    address: '',
    city: 'Testville',
    sections,
  });
  const seats = expandLayout(sections, { Floor: 5000 });
  const seatIds = seats.map(() => randomUUID());
  const eventId = randomUUID();
  const onSale = new Date(engine.clock.now() - 60_000);
  await insertEventWithSeats(
    pool,
    {
      id: eventId,
      name: 'Test Event',
      artist: 'Test Artist',
      venue_id: venue.id,
      event_date: new Date(engine.clock.now() + 30 * 86_400_000),
      on_sale_date: onSale,
      high_demand: options.highDemand ?? false,
      prices: { Floor: 5000 },
    },
    seats,
    seatIds,
  );
  const loaded = await engine.loadEvent({
    eventId,
    seatPricesCents: seats.map((s) => s.priceCents),
    onSaleMs: onSale.getTime(),
    highDemand: options.highDemand ?? false,
  });
  if (!loaded.ok) throw new Error(loaded.code);
  return { eventId, venueId: venue.id, seatIds };
}

/** Reserve and confirm `seats` for a user through the engine; returns the order id. */
/**
 * Appends a sale to an event's sales stream that no script made (as a bug or a lost write
 * could): a seat already sold reaches Postgres, whose unique index is then the only guard.
 */
export async function forgeSale(
  fx: EngineFixture,
  eventId: string,
  sale: { orderId: string; userId: string; seat: number },
) {
  const k = fx.engine.keys(eventId)!;
  await fx.redis.xadd(
    k.sales,
    '*',
    'type',
    'sale',
    'order',
    sale.orderId,
    'user',
    sale.userId,
    'seats',
    String(sale.seat),
    'prices',
    '5000',
    'idem',
    'forged',
    'payment',
    'p',
    'at',
    String(fx.clock.now()),
  );
}

export async function buy(engine: Engine, eventId: string, userId: string, seats: number[]): Promise<string> {
  const reserved = await engine.reserveSeats(eventId, userId, seats);
  if (!reserved.ok) throw new Error(`reserve: ${reserved.code}`);
  const orderId = randomUUID();
  const sale = await engine.confirmSale({
    eventId,
    userId,
    orderId,
    idempotencyKey: orderId,
    paymentRef: 'pay',
    seats: reserved.held.map((h) => h.index),
  });
  if (!sale.ok || sale.replay) throw new Error(`confirm: ${sale.ok ? 'replay' : sale.code}`);
  return orderId;
}

export interface EngineWithDatabase {
  fx: EngineFixture;
  db: TestDatabase;
  users: string[];
  close(): Promise<void>;
}

/** An engine on its own key prefix, a fresh database and `userCount` buyers in it. */
export async function engineWithDatabase(userCount: number): Promise<EngineWithDatabase> {
  const fx = engineFixture();
  const db = await freshDatabase();
  const users = await seedUsers(db.pool, userCount);
  return {
    fx,
    db,
    users,
    async close() {
      await fx.close();
      await db.drop();
    },
  };
}
