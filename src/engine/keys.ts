/**
 * The only place Redis key names are built. Every key of one event shares the hash tag
 * `{e:<eventId>}`, so each Lua script touches a single Redis Cluster slot.
 */
export interface EventKeys {
  /** hash: meta fields (n, status, version, sold, onSaleMs, salesEndMs, highDemand) and hold records */
  state: string;
  seats: string;
  deadlines: string;
  prices: string;
  sales: string;
  deadLetter: string;
  idempotency: string;
  orders: string;
  /** waiting room: zset of waiting user ids by queue order */
  waiting: string;
  /** zset of admitted user ids by admission deadline (ms) */
  admitted: string;
  /** hash: the queue's settings and admission state */
  queueState: string;
  /** zset of waiting user ids by last poll (ms) */
  queueSeen: string;
  /** hash: waiting user id -> join time (ms) */
  queueJoined: string;
  /** zset of user ids whose place or admission lapsed, by when */
  queueExpired: string;
  /** pub/sub channel: "<version> <kind>[ a:<idx>,...][ h:...][ s:...]" after every state change (seats by new state) */
  changes: string;
  /**
   * string: a user's rate limiter for an endpoint class whose limit the operation's own
   * script applies (counted per user per event, in the event's slot)
   */
  rateLimit: (endpointClass: string, userId: string) => string;
}

const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidEventId(eventId: string): boolean {
  return EVENT_ID.test(eventId);
}

export function eventKeys(prefix: string, eventId: string): EventKeys {
  if (!isValidEventId(eventId)) throw new TypeError(`invalid event id for a key: ${JSON.stringify(eventId)}`);
  const base = `${prefix}{e:${eventId}}`;
  return {
    state: `${base}:state`,
    seats: `${base}:seats`,
    deadlines: `${base}:deadlines`,
    prices: `${base}:prices`,
    sales: `${base}:sales`,
    deadLetter: `${base}:sales:dead`,
    idempotency: `${base}:idempotency`,
    orders: `${base}:orders`,
    waiting: `${base}:queue:waiting`,
    admitted: `${base}:queue:admitted`,
    queueState: `${base}:queue:state`,
    queueSeen: `${base}:queue:seen`,
    queueJoined: `${base}:queue:joined`,
    queueExpired: `${base}:queue:expired`,
    changes: `${base}:changes`,
    rateLimit: (endpointClass: string, userId: string) => `${base}:rl:${endpointClass}:u:${userId}`,
  };
}

/** The event id inside a key built by eventKeys, e.g. from a sales stream key. */
export function eventIdOfKey(key: string): string | undefined {
  return /\{e:([A-Za-z0-9_-]+)\}/.exec(key)?.[1];
}

/** Keys and channels that belong to no single event. */
export function globalKeys(prefix: string) {
  return {
    /** set of event ids with a live actor (for the persister and the sweeper) */
    events: `${prefix}events`,
    /** pub/sub channel: a sales stream key, published when a sale or refund is appended */
    salesChannel: `${prefix}sales`,
    /** pub/sub channel: "<stream key> <entry id>,..." published after each persisted batch */
    persistedChannel: `${prefix}persisted`,
    /** string: a session, by the SHA-256 of its token */
    session: (tokenHash: string) => `${prefix}session:${tokenHash}`,
    /** string: a checkout's Idempotency-Key record, per user, by the SHA-256 of the key */
    idempotencyRecord: (userId: string, keyHash: string) => `${prefix}idempotency:${userId}:${keyHash}`,
    /** string: an event row for the read path (cache-aside) */
    eventCache: (eventId: string) => `${prefix}cache:event:${eventId}`,
    /** string: one page of an event search, under the catalogue generation it was read at */
    searchCache: (generation: string, queryHash: string) => `${prefix}cache:search:${generation}:${queryHash}`,
    /** string: a rate limiter's state, per endpoint class and caller (user id or client address) */
    rateLimit: (endpointClass: string, caller: string) => `${prefix}rl:${endpointClass}:${caller}`,
    /** pub/sub channel: the hash of a session just destroyed, so every process forgets it */
    sessionRevoked: `${prefix}sessions:revoked`,
    /** zset: session token hashes by expiry (ms), for the active-sessions gauge */
    activeSessions: `${prefix}sessions:active`,
    /**
     * counter: bumped on every catalogue write, so every cached search page and rendered
     * answer goes stale at once; under the `{catalog}` tag with the rendered answers, so one
     * MGET reads an answer and the generation it must match
     */
    catalogGeneration: `${prefix}{catalog}:generation`,
    /** string: "<generation>\n<JSON>", a rendered catalogue answer (event list or page), by the hash of its request */
    catalogAnswer: (requestHash: string) => `${prefix}{catalog}:answer:${requestHash}`,
  };
}
