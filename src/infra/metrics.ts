import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import { outboxBacklog } from '../notify/outbox.js';
import { backlogTotal } from '../engine/salesBacklog.js';

/** The persister's counters the gauges read (the persister's own stats satisfy it; infra does not import persist). */
export interface PersisterCounters {
  persisted: number;
  batches: number;
  deadLettered: number;
  oversellsPrevented: number;
  lastBatchMs: number;
}

/** What the gauges read at scrape time. */
export interface MetricSources {
  engine: Engine;
  pool: Pool;
  /** the embedded persister's counters, when this process runs one */
  persister?: { stats: PersisterCounters } | undefined;
  redisUp: () => boolean;
  activeSessions: () => Promise<number>;
}

/**
 * The platform's Prometheus metrics, in one registry per process (tests build their own).
 * Counters are incremented where things happen; gauges are read when scraped. Names follow
 * Prometheus' conventions: the `ticketing_` prefix, counters end in `_total`, gauges do not,
 * base units (seconds). Node's own process metrics keep their standard names.
 * ops/prometheus/alerts.yml and ops/grafana/ticketing.json use these names.
 */
export function createMetrics() {
  const registry = new Registry();
  let sources: MetricSources | undefined;
  const gauge = (name: string, help: string, read: (s: MetricSources) => number | Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        if (sources) this.set(await read(sources));
      },
    });

  /** A counter whose value is kept elsewhere (monotonic in this process), read at scrape time. */
  const monotonic = (name: string, help: string, read: (s: MetricSources) => number) => {
    let reported = 0;
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const now = sources ? read(sources) : 0;
        if (now > reported) this.inc(now - reported);
        reported = Math.max(reported, now);
      },
    });
  };

  const metrics = {
    registry,
    /** tells the gauges where to read from */
    observe(s: MetricSources) {
      sources = s;
    },
    httpRequests: new Counter({
      name: 'ticketing_http_requests_total',
      help: 'HTTP requests by route template, method and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'ticketing_http_request_duration_seconds',
      help: 'HTTP request duration by route template and method',
      labelNames: ['method', 'route'] as const,
      registers: [registry],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    seatsReserved: new Counter({
      name: 'ticketing_seats_reserved_total',
      help: 'Seats newly held',
      registers: [registry],
    }),
    seatsReleased: new Counter({
      name: 'ticketing_seats_released_total',
      help: 'Seats released by their holder',
      registers: [registry],
    }),
    holdsExtended: new Counter({
      name: 'ticketing_holds_extended_total',
      help: 'Holds given their one extension',
      registers: [registry],
    }),
    ticketsTransferred: new Counter({
      name: 'ticketing_tickets_transferred_total',
      help: 'Tickets transferred to another account',
      registers: [registry],
    }),
    ticketCheckIns: new Counter({
      name: 'ticketing_ticket_checkins_total',
      help: 'Check-in attempts by result (admitted, invalid_code, already_checked_in, ...)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    seatsSold: new Counter({
      name: 'ticketing_seats_sold_total',
      help: 'Seats sold by checkouts of this process',
      registers: [registry],
    }),
    checkouts: new Counter({
      name: 'ticketing_checkouts_total',
      help: 'Checkouts by result (completed, failed) and failure reason',
      labelNames: ['result', 'reason'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'ticketing_rate_limited_requests_total',
      help: 'Requests refused by a rate limit, by endpoint class',
      labelNames: ['class'] as const,
      registers: [registry],
    }),
    actorRepairs: new Counter({
      name: 'ticketing_actor_repairs_total',
      help: 'Actors rebuilt from Postgres after a Redis failover lost their newest writes',
      registers: [registry],
    }),
    queueAdmitted: new Counter({
      name: 'ticketing_queue_admissions_total',
      help: 'Buyers admitted from waiting rooms by this process',
      registers: [registry],
    }),
    outboxRelayed: new Counter({
      name: 'ticketing_outbox_relayed_entries_total',
      help: 'Outbox entries published by this process',
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'ticketing_webhook_deliveries_total',
      help: 'Webhook delivery attempts by result (succeeded, retrying, failed: gave up)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    liveConnections: new Gauge({
      name: 'ticketing_live_connections',
      help: 'Live (SSE) clients connected to this process',
      registers: [registry],
    }),
    liveMessages: new Counter({
      name: 'ticketing_live_messages_sent_total',
      help: 'Live events (snapshots and changes) written to clients',
      registers: [registry],
    }),
    liveDropped: new Counter({
      name: 'ticketing_live_clients_dropped_total',
      help: 'Live clients dropped for reading too slowly',
      registers: [registry],
    }),
    liveFanoutLag: new Histogram({
      name: 'ticketing_live_fanout_lag_seconds',
      help: 'From the oldest coalesced change reaching this process to its tick being written to clients',
      registers: [registry],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    queueWait: new Histogram({
      name: 'ticketing_queue_wait_seconds',
      help: 'Time buyers waited in a waiting room before admission',
      registers: [registry],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    }),
  };

  const perEvent = (name: string, help: string, read: (counts: { waiting: number; admitted: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['event'] as const,
      registers: [registry],
      async collect() {
        if (!sources) return;
        this.reset();
        for (const eventId of await sources.engine.liveEventIds()) {
          const value = read(await sources.engine.queueCounts(eventId));
          if (value > 0) this.set({ event: eventId }, value);
        }
      },
    });
  perEvent('ticketing_queue_waiting_buyers', 'Buyers waiting, per event', (q) => q.waiting);
  perEvent(
    'ticketing_queue_admitted_buyers',
    'Buyers admitted now (holding an admission), per event',
    (q) => q.admitted,
  );
  gauge('ticketing_sessions_active', 'Sessions not yet expired', (s) => s.activeSessions());
  gauge('ticketing_redis_up', '1 while Redis answers', (s) => (s.redisUp() ? 1 : 0));
  gauge('ticketing_persister_backlog_entries', 'Sales and refunds not yet in Postgres, all events', async (s) => {
    let total = 0;
    for (const eventId of await s.engine.liveEventIds()) total += backlogTotal(await s.engine.salesBacklog(eventId));
    return total;
  });
  monotonic(
    'ticketing_persister_persisted_entries_total',
    "Entries persisted by this process's persister",
    (s) => s.persister?.stats.persisted ?? 0,
  );
  monotonic(
    'ticketing_persister_batches_total',
    "Batches committed by this process's persister (entries over batches: their mean size)",
    (s) => s.persister?.stats.batches ?? 0,
  );
  monotonic(
    'ticketing_persister_dead_lettered_entries_total',
    'Entries refused by Postgres and parked',
    (s) => s.persister?.stats.deadLettered ?? 0,
  );
  monotonic(
    'ticketing_persister_oversells_prevented_total',
    'Sales refused by the one-valid-ticket-per-seat index',
    (s) => s.persister?.stats.oversellsPrevented ?? 0,
  );
  gauge(
    'ticketing_persister_last_batch_duration_seconds',
    'Duration of the last persisted batch',
    (s) => (s.persister?.stats.lastBatchMs ?? 0) / 1000,
  );
  gauge(
    'ticketing_outbox_backlog_entries',
    'Outbox entries not yet published',
    async (s) => (await outboxBacklog(s.pool)).entries,
  );
  gauge(
    'ticketing_outbox_oldest_entry_age_seconds',
    'Age of the oldest unpublished outbox entry (0: none)',
    async (s) => (await outboxBacklog(s.pool)).oldestAgeSeconds,
  );
  gauge('ticketing_pg_pool_connections', 'Postgres connections open', (s) => s.pool.totalCount);
  gauge('ticketing_pg_pool_idle_connections', 'Postgres connections idle', (s) => s.pool.idleCount);
  gauge('ticketing_pg_pool_waiting_queries', 'Queries waiting for a Postgres connection', (s) => s.pool.waitingCount);
  collectDefaultMetrics({ register: registry });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
