import type { Channel } from 'amqplib';

/**
 * The broker's shape, declared the same way by the relay and by the consumers (so nothing
 * published is dropped for want of a queue, whichever side starts first):
 * - `<exchange>`: a durable topic exchange; routing key = entry type (order.completed, ...)
 * - `<exchange>.<consumer>`: one durable queue per consumer, bound with `#`, whose
 *   rejected messages go to the dead-letter exchange
 * - `<exchange>.dead-letter`: a fanout exchange and its durable queue, for what no
 *   consumer could handle
 */
export const topology = (exchange: string, consumerNames: readonly string[]) => ({
  exchange,
  deadLetterExchange: `${exchange}.dead-letter`,
  deadLetterQueue: `${exchange}.dead-letter`,
  queues: consumerNames.map((name) => ({ name, queue: `${exchange}.${name}` })),
});

export type Topology = ReturnType<typeof topology>;

export async function assertTopology(channel: Channel, t: Topology): Promise<void> {
  await channel.assertExchange(t.exchange, 'topic', { durable: true });
  await channel.assertExchange(t.deadLetterExchange, 'fanout', { durable: true });
  await channel.assertQueue(t.deadLetterQueue, { durable: true });
  await channel.bindQueue(t.deadLetterQueue, t.deadLetterExchange, '');
  for (const { queue } of t.queues) {
    await channel.assertQueue(queue, { durable: true, deadLetterExchange: t.deadLetterExchange });
    await channel.bindQueue(queue, t.exchange, '#');
  }
}

/** Removes everything `assertTopology` made (tests, on their uniquely named exchanges). */
export async function deleteTopology(channel: Channel, t: Topology): Promise<void> {
  for (const { queue } of t.queues) await channel.deleteQueue(queue);
  await channel.deleteQueue(t.deadLetterQueue);
  await channel.deleteExchange(t.deadLetterExchange);
  await channel.deleteExchange(t.exchange);
}
