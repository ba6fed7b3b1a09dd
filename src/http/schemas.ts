import { z } from '@hono/zod-openapi';
import { DEFAULT_LIMITS } from '../engine/context.js';
import { isAcceptablePassword, PASSWORD_RULE } from '../services/passwords.js';
import { capacityOf } from '../domain/layout.js';
import { NOTIFICATION_TYPES } from '../notify/types.js';

/**
 * Every request and response schema of the API, strict (unknown fields are a 400). The routes are
 * defined with them (src/http/routes/*, @hono/zod-openapi), and /openapi.json is generated from those
 * definitions: a schema named with `.openapi('Name')` is a component of the document.
 */

const EXAMPLE_ID = '3f2b8c1e-4d5a-4e6f-8a7b-9c0d1e2f3a4b';
const EXAMPLE_EVENT_ID = '7c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f';
const EXAMPLE_SEATS = ['0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'];

export const uuid = z.string().uuid();
export const isoDate = z
  .string()
  .datetime({ offset: true })
  .transform((s) => new Date(s));

const password = z.string().refine(isAcceptablePassword, PASSWORD_RULE);
const email = z.string().trim().max(254).email();
export const registerSchema = z
  .strictObject({ email, password, name: z.string().trim().min(1).max(100) })
  .openapi('RegisterRequest', { example: { email: 'fan@example.com', password: 'correct horse', name: 'Fan' } });
export const loginSchema = z
  .strictObject({ email, password: z.string().max(72) })
  .openapi('LoginRequest', { example: { email: 'fan@example.com', password: 'correct horse' } });

export const sectionSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(50),
    rows: z.number().int().min(1).max(200),
    seatsPerRow: z.number().int().min(1).max(200),
  })
  .openapi('SectionInput');
export const createVenueSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    address: z.string().trim().max(300).optional(),
    city: z.string().trim().min(1).max(100),
    sections: z
      .array(sectionSchema)
      .min(1)
      .max(50)
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'section names must be distinct')
      .refine((s) => capacityOf(s) <= 100_000, 'at most 100,000 seats'),
  })
  .openapi('VenueInput', {
    example: {
      name: 'Arena',
      address: '1 Main Street',
      city: 'Lisbon',
      sections: [{ name: 'Floor', rows: 20, seatsPerRow: 30 }],
    },
  });

/** any of the fields; sections only while no event uses the venue */
export const updateVenueSchema = createVenueSchema
  .partial()
  .openapi('VenueUpdate', { example: { name: 'Arena Lisboa' } });

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
export const createEventSchema = z.strictObject(eventFields).openapi('EventInput', {
  example: {
    name: 'Night Show',
    artist: 'The Testers',
    venueId: EXAMPLE_ID,
    eventDate: '2030-06-01T20:00:00Z',
    onSaleDate: '2030-05-01T10:00:00Z',
    highDemand: true,
    prices: { Floor: 9000, Balcony: 4000 },
  },
});
/** every field optional; salesEndDate null goes back to the default */
export const updateEventSchema = z
  .strictObject({ ...eventFields, salesEndDate: isoDate.nullable() })
  .partial()
  .openapi('EventUpdate', { example: { name: 'Late Show', prices: { Floor: 10000, Balcony: 5000 } } });

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
export const seatRequestSchemaFor = (maxSeats: number) =>
  z
    .strictObject({
      eventId: uuid,
      seatIds: z
        .array(uuid)
        .min(1)
        .max(maxSeats)
        .refine((ids) => new Set(ids).size === ids.length, 'seat ids must be distinct'),
    })
    .openapi('SeatRequest', { example: { eventId: EXAMPLE_EVENT_ID, seatIds: EXAMPLE_SEATS } });

/** With the default limit (tests and tools; the app uses the configured one). */
export const seatRequestSchema = seatRequestSchemaFor(DEFAULT_LIMITS.maxSeatsPerCall);

export const extendHoldSchema = z
  .strictObject({ eventId: uuid })
  .openapi('ExtendHoldRequest', { example: { eventId: EXAMPLE_EVENT_ID } });

/** Best available: a block of at most `maxSeats` adjacent seats, the same MAX_SEATS_PER_HOLD as reserve. */
export const bestSeatsSchemaFor = (maxSeats: number) =>
  z
    .strictObject({
      eventId: uuid,
      quantity: z.number().int().min(1).max(maxSeats),
      section: z.string().min(1).max(50).optional(),
      maxPriceCents: z.number().int().min(0).max(10_000_000).optional(),
    })
    .openapi('BestSeatsRequest', {
      example: { eventId: EXAMPLE_EVENT_ID, quantity: 2, section: 'Floor', maxPriceCents: 10000 },
    });

/** With the default limit (tests and tools; the app uses the configured one). */
export const bestSeatsSchema = bestSeatsSchemaFor(DEFAULT_LIMITS.maxSeatsPerCall);

export const transferTicketSchema = z
  .strictObject({ toEmail: email })
  .openapi('TransferRequest', { example: { toEmail: 'friend@example.com' } });
export const checkInSchema = z
  .strictObject({
    code: z.string().min(1).max(200),
    /** where the scan happened, kept with the check-in */
    gate: z.string().trim().min(1).max(100).optional(),
    /** the event the scanner admits to: a ticket of another event is refused */
    eventId: uuid.optional(),
  })
  .openapi('CheckInRequest', { example: { code: 'tk1.eyJ0Ijoi...', gate: 'North', eventId: EXAMPLE_EVENT_ID } });

export const checkoutSchema = z
  .strictObject({
    eventId: uuid,
    payment: z.strictObject({ method: z.literal('card'), token: z.string().min(1).max(200) }),
  })
  .openapi('CheckoutRequest', {
    example: { eventId: EXAMPLE_EVENT_ID, payment: { method: 'card', token: 'tok_visa' } },
  });

export const createWebhookSchema = z
  .strictObject({
    url: z.string().trim().max(2000).url(),
    events: z
      .array(z.enum(NOTIFICATION_TYPES))
      .min(1)
      .max(NOTIFICATION_TYPES.length)
      .refine((e) => new Set(e).size === e.length, 'event types must be distinct'),
  })
  .openapi('WebhookRequest', {
    example: { url: 'https://hooks.example.com/tickets', events: ['order.completed', 'order.refunded'] },
  });

/* Response shapes: documented in /openapi.json and checked against real answers by the contract tests. */

const isoString = z.string().datetime();
const exampleCounts = { total: 1200, available: 1180, held: 12, sold: 8 };
const counts = z
  .strictObject({
    total: z.number().int(),
    available: z.number().int(),
    held: z.number().int(),
    sold: z.number().int(),
  })
  .openapi('SeatCounts', { example: exampleCounts });
export const userSchema = z
  .strictObject({ id: uuid, email: z.string(), name: z.string(), role: z.enum(['user', 'admin', 'scanner']) })
  .openapi('User', { example: { id: EXAMPLE_ID, email: 'fan@example.com', name: 'Fan', role: 'user' } });
export const sessionSchema = z.strictObject({ user: userSchema, token: z.string() }).openapi('Session');
const exampleSections = [
  { name: 'Floor', rows: 20, seatsPerRow: 30 },
  { name: 'Balcony', rows: 10, seatsPerRow: 60 },
];
export const venueSchema = z
  .strictObject({
    id: uuid,
    name: z.string(),
    address: z.string(),
    city: z.string(),
    capacity: z.number().int(),
    sections: z.array(z.strictObject({ name: z.string(), rows: z.number().int(), seatsPerRow: z.number().int() })),
  })
  .openapi('Venue', {
    example: {
      id: EXAMPLE_ID,
      name: 'Arena',
      address: '1 Main Street',
      city: 'Lisbon',
      capacity: 1200,
      sections: exampleSections,
    },
  });
const eventStatus = z.enum(['upcoming', 'on_sale', 'sold_out', 'completed', 'cancelled']).openapi('EventStatus');
export const eventSchema = z
  .strictObject({
    id: uuid,
    name: z.string(),
    artist: z.string(),
    venueId: uuid,
    venue: z.strictObject({ id: uuid, name: z.string(), city: z.string() }),
    eventDate: isoString,
    onSaleDate: isoString,
    salesEndDate: isoString,
    status: eventStatus,
    highDemand: z.boolean(),
    counts,
    queue: z.strictObject({ ratePerSecond: z.number().int(), capacity: z.number().int() }).optional(),
  })
  .openapi('Event', {
    example: {
      id: EXAMPLE_EVENT_ID,
      name: 'Night Show',
      artist: 'The Testers',
      venueId: EXAMPLE_ID,
      venue: { id: EXAMPLE_ID, name: 'Arena', city: 'Lisbon' },
      eventDate: '2030-06-01T20:00:00.000Z',
      onSaleDate: '2030-05-01T10:00:00.000Z',
      salesEndDate: '2030-06-01T20:00:00.000Z',
      status: 'on_sale',
      highDemand: true,
      counts: exampleCounts,
      queue: { ratePerSecond: 50, capacity: 500 },
    },
  });
export const eventPageSchema = z
  .strictObject({ events: z.array(eventSchema), nextCursor: z.string().nullable() })
  .openapi('EventPage');
const seatStatus = z.enum(['available', 'held', 'sold']).openapi('SeatStatus');
export const seatMapSchema = z
  .strictObject({
    eventId: uuid,
    version: z.number().int(),
    counts,
    seats: z.array(
      z.strictObject({
        id: uuid,
        section: z.string(),
        row: z.string(),
        number: z.string(),
        priceCents: z.number().int(),
        status: seatStatus,
      }),
    ),
  })
  .openapi('SeatMap', {
    example: {
      eventId: EXAMPLE_EVENT_ID,
      version: 42,
      counts: { total: 2, available: 1, held: 1, sold: 0 },
      seats: [
        { id: EXAMPLE_SEATS[0]!, section: 'Floor', row: '1', number: '1', priceCents: 9000, status: 'available' },
        { id: EXAMPLE_SEATS[1]!, section: 'Floor', row: '1', number: '2', priceCents: 9000, status: 'held' },
      ],
    },
  });
export const layoutSchema = z
  .strictObject({
    eventId: uuid,
    layoutVersion: z.number().int(),
    sections: z.array(
      z.strictObject({
        name: z.string(),
        rows: z.number().int(),
        seatsPerRow: z.number().int(),
        priceCents: z.number().int(),
      }),
    ),
    seats: z.array(
      z.strictObject({
        id: uuid,
        section: z.string(),
        row: z.string(),
        number: z.string(),
        priceCents: z.number().int(),
      }),
    ),
  })
  .openapi('Layout', {
    example: {
      eventId: EXAMPLE_EVENT_ID,
      layoutVersion: 1,
      sections: [{ name: 'Floor', rows: 1, seatsPerRow: 2, priceCents: 9000 }],
      seats: EXAMPLE_SEATS.map((id, i) => ({
        id,
        section: 'Floor',
        row: '1',
        number: String(i + 1),
        priceCents: 9000,
      })),
    },
  });
/** states: one character per seat in layout order, a available, h held, s sold */
export const availabilitySchema = z
  .strictObject({ eventId: uuid, version: z.number().int(), counts, states: z.string().regex(/^[ahs]*$/) })
  .openapi('Availability', {
    example: {
      eventId: EXAMPLE_EVENT_ID,
      version: 42,
      counts: { total: 2, available: 1, held: 1, sold: 0 },
      states: 'ah',
    },
  });
export const holdSchema = z
  .strictObject({
    hold: z.strictObject({ eventId: uuid, seatIds: z.array(uuid), expiresAt: isoString, totalCents: z.number().int() }),
  })
  .openapi('Hold', {
    example: {
      hold: {
        eventId: EXAMPLE_EVENT_ID,
        seatIds: EXAMPLE_SEATS,
        expiresAt: '2030-05-01T10:10:00.000Z',
        totalCents: 18000,
      },
    },
  });
export const releasedSchema = z
  .strictObject({ releasedSeatIds: z.array(uuid) })
  .openapi('ReleasedSeats', { example: { releasedSeatIds: EXAMPLE_SEATS } });
export const orderSchema = z
  .strictObject({
    id: uuid,
    userId: uuid,
    eventId: uuid,
    status: z.enum(['completed', 'refunded', 'cancelled']),
    totalCents: z.number().int(),
    currency: z.literal('USD'),
    createdAt: isoString,
    items: z.array(
      z.strictObject({
        seatId: uuid,
        section: z.string(),
        row: z.string(),
        number: z.string(),
        priceCents: z.number().int(),
      }),
    ),
  })
  .openapi('Order', {
    example: {
      id: EXAMPLE_ID,
      userId: EXAMPLE_ID,
      eventId: EXAMPLE_EVENT_ID,
      status: 'completed',
      totalCents: 9000,
      currency: 'USD',
      createdAt: '2030-05-01T10:03:00.000Z',
      items: [{ seatId: EXAMPLE_SEATS[0]!, section: 'Floor', row: '1', number: '1', priceCents: 9000 }],
    },
  });
export const orderPageSchema = z
  .strictObject({ orders: z.array(orderSchema), nextCursor: z.string().nullable() })
  .openapi('OrderPage');
export const statsSchema = z
  .strictObject({
    eventId: uuid,
    counts,
    revenueCents: z.number().int(),
    orders: z.number().int(),
    persisterBacklog: z.number().int(),
    queue: z.strictObject({ waiting: z.number().int(), admitted: z.number().int() }),
  })
  .openapi('EventStats', {
    example: {
      eventId: EXAMPLE_EVENT_ID,
      counts: exampleCounts,
      revenueCents: 72000,
      orders: 5,
      persisterBacklog: 0,
      queue: { waiting: 140, admitted: 25 },
    },
  });
const queueStatus = z.enum(['waiting', 'admitted', 'expired', 'not_queued']).openapi('QueueState');
export const queueStandingSchema = z
  .strictObject({
    status: queueStatus,
    position: z.number().int(),
    queueLength: z.number().int(),
    estimatedWaitSeconds: z.number().int(),
  })
  .openapi('QueueStanding', {
    example: { status: 'waiting', position: 17, queueLength: 140, estimatedWaitSeconds: 12 },
  });
export const queueStatusSchema = z
  .strictObject({ status: queueStatus, admittedUntil: isoString.optional() })
  .openapi('QueueStatus', { example: { status: 'admitted', admittedUntil: '2030-05-01T10:10:00.000Z' } });
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string(),
  })
  .openapi('Problem', {
    description:
      'An RFC 9457 problem; `code` is stable, and some problems carry more fields (unavailableSeatIds, errors, ...).',
    example: {
      type: 'https://tickets.example/problems/seats_unavailable',
      title: 'Conflict',
      status: 409,
      detail: 'Some seats are no longer available.',
      code: 'seats_unavailable',
      instance: '/api/seats/reserve',
      unavailableSeatIds: [EXAMPLE_SEATS[1]],
    },
  });
const notificationType = z.enum(NOTIFICATION_TYPES).openapi('NotificationType');
const webhookBase = { id: uuid, url: z.string(), events: z.array(notificationType) };
export const createdWebhookSchema = z
  .strictObject({ webhook: z.strictObject({ ...webhookBase, secret: z.string().startsWith('whsec_') }) })
  .openapi('CreatedWebhook', {
    example: {
      webhook: {
        id: EXAMPLE_ID,
        url: 'https://hooks.example.com/tickets',
        events: ['order.completed'],
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      },
    },
  });
export const webhookListSchema = z
  .strictObject({ webhooks: z.array(z.strictObject({ ...webhookBase, createdAt: isoString }).openapi('Webhook')) })
  .openapi('WebhookList');
export const deliveryListSchema = z
  .strictObject({
    deliveries: z.array(
      z
        .strictObject({
          id: uuid,
          entryId: uuid,
          type: notificationType,
          attempts: z.number().int(),
          status: z.enum(['pending', 'succeeded', 'failed']),
          lastStatusCode: z.number().int().nullable(),
          lastError: z.string().nullable(),
          nextAttemptAt: isoString.nullable(),
          createdAt: isoString,
        })
        .openapi('Delivery'),
    ),
  })
  .openapi('DeliveryList');
export const ticketSchema = z
  .strictObject({
    id: uuid,
    orderId: uuid,
    eventId: uuid,
    seatId: uuid,
    section: z.string(),
    row: z.string(),
    number: z.string(),
    status: z.enum(['valid', 'checked_in', 'refunded']),
    checkedInAt: isoString.nullable(),
  })
  .openapi('Ticket', {
    example: {
      id: EXAMPLE_ID,
      orderId: EXAMPLE_ID,
      eventId: EXAMPLE_EVENT_ID,
      seatId: EXAMPLE_SEATS[0]!,
      section: 'Floor',
      row: '1',
      number: '1',
      status: 'valid',
      checkedInAt: null,
    },
  });
export const ticketCodeSchema = z
  .strictObject({ code: z.string(), expiresAt: isoString })
  .openapi('TicketCode', { example: { code: 'tk1.eyJ0Ijoi...', expiresAt: '2030-06-01T19:30:30.000Z' } });
export const checkInResultSchema = z
  .strictObject({ result: z.literal('admitted'), ticket: ticketSchema })
  .openapi('CheckInResult');
export const transferSchema = z
  .strictObject({
    id: uuid,
    ticketId: uuid,
    eventId: uuid,
    seat: z.strictObject({ section: z.string(), row: z.string(), number: z.string() }),
    direction: z.enum(['sent', 'received']),
    fromEmail: z.string(),
    toEmail: z.string(),
    transferredAt: isoString,
  })
  .openapi('Transfer');
export const healthSchema = z
  .strictObject({ status: z.literal('ok') })
  .openapi('Health', { example: { status: 'ok' } });
export const readinessSchema = z
  .strictObject({ status: z.enum(['ok', 'unavailable', 'draining']), redis: z.boolean(), postgres: z.boolean() })
  .openapi('Readiness', { example: { status: 'ok', redis: true, postgres: true } });
