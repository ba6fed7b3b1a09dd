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
}

export type ReconcileResult =
  { ok: true; report: Reconciliation } | { ok: false; code: 'event_not_found' | 'actor_missing' };

/** Compares the sold seats of an event in Redis and Postgres, seat by seat. */
export async function reconcileEvent(deps: { engine: Engine; pool: Pool }, eventId: string): Promise<ReconcileResult> {
  const keys = deps.engine.keys(eventId);
  if (!keys) return { ok: false, code: 'event_not_found' };
  const exists = await deps.pool.query('SELECT 1 FROM events WHERE id = $1', [eventId]);
  if (exists.rowCount === 0) return { ok: false, code: 'event_not_found' };
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
    },
  };
}
