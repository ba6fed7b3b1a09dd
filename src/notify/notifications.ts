import type { Pool } from 'pg';
import type { Config } from '../config.js';
import type { Clock } from '../engine/clock.js';
import type { Logger } from '../infra/logger.js';
import { AmqpConsumers } from './amqpConsumers.js';
import { AmqpPublisher } from './amqpPublisher.js';
import { topology } from './amqpTopology.js';
import { DeliveryWorker, type DeliveryResult } from './deliveryWorker.js';
import { InProcessPublisher } from './inProcessPublisher.js';
import { MailConsumer } from './mailConsumer.js';
import { createMailer } from './mailer.js';
import { OutboxRelay } from './relay.js';
import { WebhookConsumer } from './webhookConsumer.js';

export type NotificationSettings = Pick<
  Config,
  'AMQP_URL' | 'AMQP_EXCHANGE' | 'SMTP_URL' | 'MAIL_DIR' | 'MAIL_FROM' | 'WEBHOOKS_ALLOW_PRIVATE' | 'WEBHOOK_TIMEOUT_MS'
>;

export interface NotificationDeps {
  pool: Pool;
  log: Logger;
  clock: Clock;
  /** counters to feed (the process's metrics) */
  onRelayed?: (count: number) => void;
  onDelivery?: (result: DeliveryResult) => void;
  /** how long idle loops wait before looking again without a wake-up (tests poll fast) */
  pollMs?: number;
  /** run the relay (publishing the outbox); false for a process that only consumes */
  relay?: boolean;
  /** run the RabbitMQ consumers and the webhook sender; false for a relay-only process */
  consumers?: boolean;
}

/**
 * The notification pipeline of one process: the outbox relay, the consumers (mail,
 * webhooks) and the webhook delivery worker. With AMQP_URL the relay publishes to
 * RabbitMQ and the consumers read their queues there; without it the relay hands entries
 * to the same consumers in process.
 */
export function createNotifications(settings: NotificationSettings, deps: NotificationDeps) {
  const { pool, log, clock } = deps;
  const mailer = createMailer({ smtpUrl: settings.SMTP_URL, dir: settings.MAIL_DIR, from: settings.MAIL_FROM });
  const worker = new DeliveryWorker({
    pool,
    clock,
    log,
    sender: { allowPrivate: settings.WEBHOOKS_ALLOW_PRIVATE, timeoutMs: settings.WEBHOOK_TIMEOUT_MS },
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
    ...(deps.onDelivery ? { onResult: deps.onDelivery } : {}),
  });
  const mail = new MailConsumer(pool, mailer, log);
  const consumers = [mail, new WebhookConsumer(pool, clock, () => worker.nudge())];
  const shape = topology(
    settings.AMQP_EXCHANGE,
    consumers.map((c) => c.name),
  );
  const amqpUrl = settings.AMQP_URL;
  const publisher = amqpUrl ? new AmqpPublisher(amqpUrl, shape) : new InProcessPublisher(consumers, log);
  const relay =
    deps.relay === false
      ? undefined
      : new OutboxRelay({
          pool,
          publisher,
          log,
          ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
          ...(deps.onRelayed ? { onRelayed: deps.onRelayed } : {}),
        });
  const consuming = deps.consumers !== false;
  const amqpConsumers =
    amqpUrl && consuming ? new AmqpConsumers({ url: amqpUrl, topology: shape, consumers, log }) : undefined;

  return {
    relay,
    worker,
    mail,
    amqpConsumers,
    topology: shape,
    async start(): Promise<void> {
      await amqpConsumers?.start();
      await relay?.start();
      if (consuming) worker.start();
    },
    async stop(): Promise<void> {
      await relay?.stop();
      await amqpConsumers?.stop();
      await worker.stop();
      mailer.close();
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
