/** What the platform announces, in the order the contract lists them. */
export const NOTIFICATION_TYPES = [
  'order.completed',
  'order.refunded',
  'event.cancelled',
  'ticket.transferred',
  'ticket.checked_in',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const isNotificationType = (value: string): value is NotificationType =>
  (NOTIFICATION_TYPES as readonly string[]).includes(value);

/** One outbox entry: its id is the message id everywhere (AMQP messageId, webhook-id, dedupe key). */
export interface OutboxEntry {
  id: string;
  type: NotificationType;
  subjectId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/**
 * A consumer of outbox entries (mail, webhooks). It must be idempotent by `entry.id`: the
 * relay delivers at least once. Throwing means "not handled": the entry comes back later.
 */
export interface OutboxConsumer {
  readonly name: string;
  handle(entry: OutboxEntry): Promise<void>;
}

/** The wire form of an entry (AMQP body, and the body of a webhook delivery). */
export interface EntryMessage {
  type: NotificationType;
  timestamp: string;
  data: Record<string, unknown>;
}

export const toMessage = (entry: OutboxEntry): EntryMessage => ({
  type: entry.type,
  timestamp: entry.createdAt.toISOString(),
  data: entry.payload,
});
