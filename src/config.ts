import { z } from 'zod';
import { isAcceptablePassword, PASSWORD_RULE } from './services/passwords.js';
import { parseClusterNodes } from './infra/redisClient.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** the address to listen on: loopback unless told otherwise (e.g. 0.0.0.0 in a container) */
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().url().optional(),
    /** where `npm start` keeps what it runs itself: the embedded Postgres, the private Redis's AOF, runtime.json, the ticket secret */
    DATA_DIR: z.string().min(1).default('.data'),
    REDIS_URL: z.string().url().optional(),
    /** `host:port,...` of a Redis Cluster: when set, the engine runs on it and REDIS_URL is ignored */
    REDIS_CLUSTER_NODES: z
      .string()
      .optional()
      .refine((v) => v === undefined || clusterNodesValid(v), 'comma-separated host:port'),
    /** the password of the REDIS_CLUSTER_NODES nodes (requirepass); REDIS_URL carries its own */
    REDIS_PASSWORD: z.string().min(1).optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]*$/, 'letters, digits, ":", "_" or "-"')
      .default('tk:'),
    HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
    /** how much longer a hold lasts when its holder extends it (once per hold) */
    HOLD_EXTENSION_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** seats one buyer may hold in one event (and so in one reserve call) */
    MAX_SEATS_PER_HOLD: z.coerce.number().int().min(1).max(50).default(6),
    RATE_LIMITS: z.enum(['on', 'off']).default('on'),
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: z.string().refine(isAcceptablePassword, PASSWORD_RULE).optional(),
    COOKIE_SECURE: flag.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** run the write-behind persister inside the API process */
    PERSISTER: z.enum(['embedded', 'off']).default('embedded'),
    /** a standalone persister takes over entries pending this long at another (dead) consumer */
    PERSISTER_CLAIM_IDLE_MS: z.coerce.number().int().min(1).default(30_000),
    TRUSTED_PROXIES: z.string().default(''),
    /** RabbitMQ (amqp://user:pass@host:port/vhost): the outbox is relayed there; unset: delivered in process from Postgres */
    AMQP_URL: z
      .string()
      .regex(/^amqps?:\/\//, 'an amqp:// or amqps:// URL')
      .optional(),
    /** the durable topic exchange notifications are published to (queues are named after it) */
    AMQP_EXCHANGE: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"')
      .default('ticketing.notifications'),
    /** smtp(s)://user:pass@host:port for mail; unset: mails are written as .eml files under MAIL_DIR */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
      .optional(),
    MAIL_DIR: z.string().min(1).default('.data/mail'),
    MAIL_FROM: z.string().min(3).default('Tickets <tickets@tickets.example>'),
    /** let webhooks target loopback and private addresses (tests only: it opens the way to SSRF) */
    WEBHOOKS_ALLOW_PRIVATE: flag.default(false),
    /** one webhook attempt (connect, send, answer) is cut off after this */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** signs ticket codes (HMAC-SHA256); every API process of one system needs the same. `npm start` keeps one in .data/ when unset */
    TICKET_SECRET: z
      .string()
      .refine((s) => Buffer.byteLength(s) >= 32, 'at least 32 bytes')
      .optional(),
    /** live seat maps: changes are coalesced and sent once per tick */
    LIVE_TICK_MS: z.coerce.number().int().min(10).max(10_000).default(250),
    /** live (SSE) connections one process accepts; more get a 503 */
    LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** a live client with more than this unsent is dropped, and resumes with Last-Event-ID */
    LIVE_CLIENT_BUFFER_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(64 * 1024 * 1024)
      .default(262_144),
    /** one deadline per request, shared by all of its Redis and Postgres calls */
    REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
    /**
     * `on`: write the outbox, relay it and run the consumers (mail, webhooks) in this process;
     * `relay`: write and relay only, the consumers run elsewhere (`npm run notify consumers`;
     * needs AMQP_URL); `outbox`: write the outbox only, the relay and the consumers run
     * elsewhere (`npm run notify`), so the API's CPU serves buyers; `off`: no outbox entries
     * at all (only to measure what they cost)
     */
    NOTIFICATIONS: z.enum(['on', 'relay', 'outbox', 'off']).default('on'),
  })
  .refine((c) => c.NOTIFICATIONS !== 'relay' || c.AMQP_URL !== undefined, {
    path: ['NOTIFICATIONS'],
    message: 'relay needs AMQP_URL (without a broker the consumers run where the relay runs)',
  });

function clusterNodesValid(spec: string): boolean {
  try {
    return parseClusterNodes(spec).length > 0;
  } catch {
    return false;
  }
}

export type Config = z.infer<typeof schema>;

/** Parses the environment once; a bad value stops the process with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
  throw new Error(`invalid configuration:\n${problems}`);
}
