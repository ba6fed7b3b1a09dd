import type { Pool } from 'pg';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../infra/logger.js';
import { rebuildActor } from '../persist/rebuild.js';
import { reconcileEvent } from '../persist/reconcile.js';

export type RepairOutcome = 'consistent' | 'rebuilt' | 'restored' | 'busy';

/** Only one process rebuilds an event at a time: the lock is in the event's own slot. */
const LOCK_MS = 30_000;

/**
 * Brings one actor back in line with Postgres after Redis lost recent writes (a failover:
 * replication is asynchronous). Postgres holds every sale that was answered 201, so an
 * actor missing sold seats that Postgres has is rebuilt from it, once its sales stream is
 * drained; an actor missing altogether is restored. Holds of a rebuilt actor are gone.
 */
export async function repairActor(deps: { engine: Engine; pool: Pool }, eventId: string): Promise<RepairOutcome> {
  const result = await reconcileEvent(deps, eventId);
  if (!result.ok) {
    if (result.code === 'event_not_found') return 'consistent';
    return (await rebuildActor(deps, eventId)).ok ? 'restored' : 'busy';
  }
  // Sold in Redis and not yet in Postgres is the persister's backlog, not a loss.
  if (result.report.onlyInPostgres.length === 0) return 'consistent';
  if (result.report.backlog > 0) return 'busy';
  if (!(await deps.engine.tryLock(eventId, 'repair', LOCK_MS))) return 'busy';
  try {
    return (await rebuildActor(deps, eventId, { replace: true })).ok ? 'rebuilt' : 'busy';
  } finally {
    await deps.engine.unlock(eventId, 'repair');
  }
}

/**
 * Watches a Redis Cluster's masters; when one changes (a replica took over), every event's
 * actor is compared with Postgres and repaired, again and again until all agree.
 */
export class FailoverRepair {
  private timer: NodeJS.Timeout | undefined;
  private masters = '';
  private pending = false;
  private running = false;

  constructor(
    private readonly deps: {
      engine: Engine; pool: Pool; log: Logger;
      /** a replica took over: what the old master acknowledged may be pending again */
      onFailover?: () => void;
      onRepaired?: () => void;
    },
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    if (this.deps.engine.clusterMasters() === undefined) return;
    this.masters = this.currentMasters();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private currentMasters(): string {
    return this.deps.engine.clusterMasters() ?? '';
  }

  private async tick(): Promise<void> {
    const masters = this.currentMasters();
    if (masters !== this.masters && masters !== '') {
      this.deps.log.warn({ event: 'redis_failover', masters }, 'the Redis Cluster has new masters: checking every actor against Postgres');
      this.masters = masters;
      this.pending = true;
      this.deps.onFailover?.();
    }
    if (!this.pending || this.running) return;
    this.running = true;
    try {
      this.pending = !(await this.repairAll());
    } catch (err) {
      this.deps.log.warn({ event: 'actor_repair_failed', err: String(err) }, 'actor repair failed; retrying');
    } finally {
      this.running = false;
    }
  }

  /** True once every event's actor agrees with Postgres. */
  async repairAll(): Promise<boolean> {
    const { rows } = await this.deps.pool.query<{ id: string }>('SELECT id FROM events');
    let settled = true;
    for (const { id } of rows) {
      const outcome = await repairActor(this.deps, id);
      if (outcome === 'busy') settled = false;
      if (outcome === 'rebuilt' || outcome === 'restored') {
        this.deps.onRepaired?.();
        this.deps.log.warn({ event: 'actor_repaired', eventId: id, outcome }, 'an actor that lost writes was rebuilt from Postgres');
      }
    }
    return settled;
  }
}
