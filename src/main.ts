/** `npm start`: everything the product needs on one machine, then the API. */
import { serve } from '@hono/node-server';
import { loadConfig } from './config.js';
import { createApp } from './http/app.js';
import { redisReady } from './infra/availability.js';
import { createLogger } from './infra/logger.js';
import { createRuntime } from './runtime.js';
import { localServices, migrateDatabase, restoreActors, seedAdmin, seedSampleEvent } from './startup.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const services = await localServices(config, log);
const runtime = createRuntime(services.config, { log });
await redisReady(runtime.redis);
await migrateDatabase(runtime);
await seedAdmin(runtime);
await seedSampleEvent(runtime);
await restoreActors(runtime);
await runtime.start();

const app = createApp(runtime.deps);
services.record();
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  console.log(`ticketing API listening on http://${config.HOST}:${info.port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ event: 'shutdown', signal }, 'stopping: no new requests, draining');
  await runtime.live.stop(); // live streams never finish by themselves: end them so the server can close
  await new Promise((resolve) => server.close(resolve));
  await runtime.stop();
  await services.stop();
  log.flush();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
