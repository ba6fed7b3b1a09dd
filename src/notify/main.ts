/**
 * `npm run notify [relay|consumers|all]`: the notification pipeline as its own process (any
 * number may run): the outbox relay, and/or the consumers with the webhook sender.
 * Consumers on their own need AMQP_URL (without a broker the relay feeds them in process).
 */
import { loadConfig } from '../config.js';
import { systemClock } from '../engine/clock.js';
import { createLogger } from '../infra/logger.js';
import { createPool } from '../persist/db.js';
import { createNotifications } from './notifications.js';

const role = process.argv[2] ?? 'all';
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
if (
  !config.DATABASE_URL ||
  !['relay', 'consumers', 'all'].includes(role) ||
  (role === 'consumers' && !config.AMQP_URL)
) {
  log.fatal('usage: DATABASE_URL=... [AMQP_URL=...] notify [relay|consumers|all] (consumers alone need AMQP_URL)');
  process.exit(2);
}
const pool = createPool(config.DATABASE_URL, 5);
const notifications = createNotifications(config, {
  pool,
  log,
  clock: systemClock,
  relay: role !== 'consumers',
  consumers: role !== 'relay',
});
await notifications.start();
console.log(`notifications running (${role}${config.AMQP_URL ? ', RabbitMQ' : ', in process'})`);

async function shutdown() {
  await notifications.stop();
  await pool.end();
  log.flush();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
