import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import { backlogTotal } from '../engine/salesBacklog.js';
import { soldSeatIndices } from './repositories/soldSeats.js';

export interface Reconciliation {
  eventId: string;
  /** sales or refunds not yet in Postgres; differences are expected until this is 0 */
  backlog: number;
  redisSold: number;
  postgresSold: number;
  /** sold in Redis, no valid ticket in Postgres */
  onlyInRedis: number[];
  /** a valid ticket in Postgres, not sold in Redis */
  onlyInPostgres: number[];
  consistent: boolean;
  /**
   * no sale or refund was appended while it read (the sales stream's last id was the same
   * before the snapshot and after the Postgres read); otherwise its differences may be sales
   * in flight between the reads, not losses, and nothing should be repaired on them
   */
  settled: boolean;
}

export type ReconcileResult =
  { ok: true; report: Reconciliation } | { ok: false; code: 'event_not_found' | 'actor_missing' };

/** How often a comparison is read again while sales keep moving the stream under it. */
const ATTEMPTS = 3;

/**
 * Compares the sold seats of an event in Redis and Postgres, seat by seat. The actor, the
 * backlog and Postgres are read one after another, so the comparison is fenced by the sales
 * stream: it counts only if no sale or refund was appended from before the first read to
 * after the last (`settled`); it is read again, up to three times, while they are.
 */
export async function reconcileEvent(deps: { engine: Engine; pool: Pool }, eventId: string): Promise<ReconcileResult> {
  const keys = deps.engine.keys(eventId);
  if (!keys) return { ok: false, code: 'event_not_found' };
  const exists = await deps.pool.query('SELECT 1 FROM events WHERE id = $1', [eventId]);
  if (exists.rowCount === 0) return { ok: false, code: 'event_not_found' };
  for (let attempt = 1; ; attempt++) {
    const head = await deps.engine.salesHead(eventId);
    const result = await compare(deps, eventId);
    if (!result.ok) return result;
    result.report.settled = (await deps.engine.salesHead(eventId)) === head;
    if (result.report.settled || attempt === ATTEMPTS) return result;
  }
}

async function compare(deps: { engine: Engine; pool: Pool }, eventId: string): Promise<ReconcileResult> {
  const snapshot = await deps.engine.snapshotEvent(eventId);
  if (!snapshot.ok) return { ok: false, code: 'actor_missing' };
  const backlog = backlogTotal(await deps.engine.salesBacklog(eventId));
  const inPostgres = new Set(await soldSeatIndices(deps.pool, eventId));
  const inRedis = new Set<number>();
  for (let i = 0; i < snapshot.states.length; i++) if (snapshot.states[i] === '2') inRedis.add(i);
  const onlyInRedis = [...inRedis].filter((i) => !inPostgres.has(i));
  const onlyInPostgres = [...inPostgres].filter((i) => !inRedis.has(i));
  return {
    ok: true,
    report: {
      eventId,
      backlog,
      redisSold: inRedis.size,
      postgresSold: inPostgres.size,
      onlyInRedis,
      onlyInPostgres,
      consistent: onlyInRedis.length === 0 && onlyInPostgres.length === 0,
      settled: false,
    },
  };
}
