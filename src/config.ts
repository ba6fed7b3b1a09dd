import { z } from 'zod';
import { parseClusterNodes } from './infra/redisClient.js';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** the address to listen on: loopback unless told otherwise (e.g. 0.0.0.0 in a container) */
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** `host:port,...` of a Redis Cluster: when set, the engine runs on it and REDIS_URL is ignored */
  REDIS_CLUSTER_NODES: z.string().optional().refine((v) => v === undefined || clusterNodesValid(v), 'comma-separated host:port'),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]*$/, 'letters, digits, ":", "_" or "-"').default('tk:'),
  HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  MAX_SEATS_PER_HOLD: z.coerce.number().int().min(1).max(50).default(6),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).max(72).optional(),
  COOKIE_SECURE: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** run the write-behind persister inside the API process */
  PERSISTER: z.enum(['embedded', 'off']).default('embedded'),
  TRUSTED_PROXIES: z.string().default(''),
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
