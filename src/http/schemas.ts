import { DEFAULT_LIMITS } from '../engine/context.js';
import { isAcceptablePassword, PASSWORD_RULE } from '../services/passwords.js';
import { z } from 'zod';
import { capacityOf } from '../domain/layout.js';
import { NOTIFICATION_TYPES } from '../notify/types.js';

/** Every request schema of the API, strict (unknown fields are a 400); /openapi.json is generated from these. */

export const uuid = z.string().uuid();
export const isoDate = z.string().datetime({ offset: true }).transform((s) => new Date(s));

const password = z.string().refine(isAcceptablePassword, PASSWORD_RULE);
const email = z.string().trim().max(254).email();
export const registerSchema = z.strictObject({ email, password, name: z.string().trim().min(1).max(100) });
export const loginSchema = z.strictObject({ email, password: z.string().max(72) });

export const sectionSchema = z.strictObject({
  name: z.string().trim().min(1).max(50),
  rows: z.number().int().min(1).max(200),
  seatsPerRow: z.number().int().min(1).max(200),
});
export const createVenueSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().max(300).optional(),
  city: z.string().trim().min(1).max(100),
  sections: z.array(sectionSchema).min(1).max(50)
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'section names must be distinct')
    .refine((s) => capacityOf(s) <= 100_000, 'at most 100,000 seats'),
});

/** any of the fields; sections only while no event uses the venue */
export const updateVenueSchema = createVenueSchema.partial();

const eventFields = {
  name: z.string().trim().min(1).max(200),
  artist: z.string().trim().min(1).max(200),
  venueId: uuid,
  eventDate: isoDate,
  onSaleDate: isoDate,
  /** default: the event date */
  salesEndDate: isoDate.optional(),
  highDemand: z.boolean().optional(),
  prices: z.record(z.string().min(1).max(50), z.number().int().min(0).max(10_000_000)),
  /** waiting room: buyers admitted per second, and at once (high-demand events) */
  queueRatePerSecond: z.number().int().min(1).max(100_000).optional(),
  queueCapacity: z.number().int().min(1).max(1_000_000).optional(),
};
export const createEventSchema = z.strictObject(eventFields);
/** every field optional; salesEndDate null goes back to the default */
export const updateEventSchema = z.strictObject({ ...eventFields, salesEndDate: isoDate.nullable() }).partial();

export const eventSearchSchema = z.strictObject({
  q: z.string().max(200).optional(),
  city: z.string().max(100).optional(),
  venueId: uuid.optional(),
  artist: z.string().max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  status: z.enum(['upcoming', 'on_sale', 'sold_out', 'completed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const adminOrderSearchSchema = z.strictObject({
  /** the buyer's email, matched exactly in any case */
  email: email.optional(),
  eventId: uuid.optional(),
  status: z.enum(['completed', 'refunded', 'cancelled']).optional(),
  /** created at or after / at or before */
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** A hold or release of at most `maxSeats` seats: the configured MAX_SEATS_PER_HOLD, which the engine enforces too. */
export const seatRequestSchemaFor = (maxSeats: number) => z.strictObject({
  eventId: uuid,
  seatIds: z.array(uuid).min(1).max(maxSeats).refine((ids) => new Set(ids).size === ids.length, 'seat ids must be distinct'),
});

/** As documented in the OpenAPI document: with the default limit. */
export const seatRequestSchema = seatRequestSchemaFor(DEFAULT_LIMITS.maxSeatsPerCall);

export const extendHoldSchema = z.strictObject({ eventId: uuid });
export const bestSeatsSchema = z.strictObject({
  eventId: uuid,
  quantity: z.number().int().min(1).max(6),
  section: z.string().min(1).max(50).optional(),
  maxPriceCents: z.number().int().min(0).max(10_000_000).optional(),
});

export const transferTicketSchema = z.strictObject({ toEmail: email });
export const checkInSchema = z.strictObject({
  code: z.string().min(1).max(200),
  /** where the scan happened, kept with the check-in */
  gate: z.string().trim().min(1).max(100).optional(),
  /** the event the scanner admits to: a ticket of another event is refused */
  eventId: uuid.optional(),
});

export const checkoutSchema = z.strictObject({
  eventId: uuid,
  payment: z.strictObject({ method: z.literal('card'), token: z.string().min(1).max(200) }),
});

export const createWebhookSchema = z.strictObject({
  url: z.string().trim().max(2000).url(),
  events: z.array(z.enum(NOTIFICATION_TYPES)).min(1).max(NOTIFICATION_TYPES.length)
    .refine((e) => new Set(e).size === e.length, 'event types must be distinct'),
});

/* Response shapes: documented in /openapi.json and checked against real answers by the contract tests. */

const isoString = z.string().datetime();
const counts = z.strictObject({ total: z.number().int(), available: z.number().int(), held: z.number().int(), sold: z.number().int() });
export const userSchema = z.strictObject({ id: uuid, email: z.string(), name: z.string(), role: z.enum(['user', 'admin', 'scanner']) });
export const sessionSchema = z.strictObject({ user: userSchema, token: z.string() });
export const venueSchema = z.strictObject({
  id: uuid, name: z.string(), address: z.string(), city: z.string(), capacity: z.number().int(),
  sections: z.array(z.strictObject({ name: z.string(), rows: z.number().int(), seatsPerRow: z.number().int() })),
});
export const eventSchema = z.strictObject({
  id: uuid, name: z.string(), artist: z.string(), venueId: uuid,
  venue: z.strictObject({ id: uuid, name: z.string(), city: z.string() }),
  eventDate: isoString, onSaleDate: isoString, salesEndDate: isoString,
  status: z.enum(['upcoming', 'on_sale', 'sold_out', 'completed', 'cancelled']), highDemand: z.boolean(), counts,
  queue: z.strictObject({ ratePerSecond: z.number().int(), capacity: z.number().int() }).optional(),
});
export const seatMapSchema = z.strictObject({
  eventId: uuid, version: z.number().int(), counts,
  seats: z.array(z.strictObject({
    id: uuid, section: z.string(), row: z.string(), number: z.string(), priceCents: z.number().int(),
    status: z.enum(['available', 'held', 'sold']),
  })),
});
export const layoutSchema = z.strictObject({
  eventId: uuid, layoutVersion: z.number().int(),
  sections: z.array(z.strictObject({ name: z.string(), rows: z.number().int(), seatsPerRow: z.number().int(), priceCents: z.number().int() })),
  seats: z.array(z.strictObject({ id: uuid, section: z.string(), row: z.string(), number: z.string(), priceCents: z.number().int() })),
});
/** states: one character per seat in layout order, a available, h held, s sold */
export const availabilitySchema = z.strictObject({ eventId: uuid, version: z.number().int(), counts, states: z.string().regex(/^[ahs]*$/) });
export const holdSchema = z.strictObject({
  hold: z.strictObject({ eventId: uuid, seatIds: z.array(uuid), expiresAt: isoString, totalCents: z.number().int() }),
});
export const orderSchema = z.strictObject({
  id: uuid, userId: uuid, eventId: uuid, status: z.enum(['completed', 'refunded', 'cancelled']),
  totalCents: z.number().int(), currency: z.literal('USD'), createdAt: isoString,
  items: z.array(z.strictObject({ seatId: uuid, section: z.string(), row: z.string(), number: z.string(), priceCents: z.number().int() })),
});
export const statsSchema = z.strictObject({
  eventId: uuid, counts, revenueCents: z.number().int(), orders: z.number().int(), persisterBacklog: z.number().int(),
  queue: z.strictObject({ waiting: z.number().int(), admitted: z.number().int() }),
});
const queueStatus = z.enum(['waiting', 'admitted', 'expired', 'not_queued']);
export const queueStandingSchema = z.strictObject({
  status: queueStatus, position: z.number().int(), queueLength: z.number().int(), estimatedWaitSeconds: z.number().int(),
});
export const queueStatusSchema = z.strictObject({ status: queueStatus, admittedUntil: isoString.optional() });
export const problemSchema = z.looseObject({
  type: z.string(), title: z.string(), status: z.number().int(), detail: z.string(), code: z.string(), instance: z.string(),
});
const webhookBase = { id: uuid, url: z.string(), events: z.array(z.enum(NOTIFICATION_TYPES)) };
export const createdWebhookSchema = z.strictObject({ webhook: z.strictObject({ ...webhookBase, secret: z.string().startsWith('whsec_') }) });
export const webhookListSchema = z.strictObject({ webhooks: z.array(z.strictObject({ ...webhookBase, createdAt: isoString })) });
export const deliveryListSchema = z.strictObject({
  deliveries: z.array(z.strictObject({
    id: uuid, entryId: uuid, type: z.enum(NOTIFICATION_TYPES), attempts: z.number().int(),
    status: z.enum(['pending', 'succeeded', 'failed']), lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(), nextAttemptAt: isoString.nullable(), createdAt: isoString,
  })),
});
export const ticketSchema = z.strictObject({
  id: uuid, orderId: uuid, eventId: uuid, seatId: uuid, section: z.string(), row: z.string(), number: z.string(),
  status: z.enum(['valid', 'checked_in', 'refunded']), checkedInAt: isoString.nullable(),
});
export const ticketCodeSchema = z.strictObject({ code: z.string(), expiresAt: isoString });
export const checkInResultSchema = z.strictObject({ result: z.literal('admitted'), ticket: ticketSchema });
export const transferSchema = z.strictObject({
  id: uuid, ticketId: uuid, eventId: uuid, seat: z.strictObject({ section: z.string(), row: z.string(), number: z.string() }),
  direction: z.enum(['sent', 'received']), fromEmail: z.string(), toEmail: z.string(), transferredAt: isoString,
});
