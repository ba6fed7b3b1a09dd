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
 * replication is asynchronous; a restart that lost its AOF tail). Postgres holds every sale
 * that was answered 201, so an actor that disagrees with it seat by seat once its sales stream
 * is drained is rebuilt from it: seats sold in Postgres and not in Redis (lost sales), or sold
 * in Redis with nothing left to persist (a lost refund, a sale Postgres refused). An actor
 * missing altogether is restored. Holds of a rebuilt actor are gone.
 */
export async function repairActor(deps: { engine: Engine; pool: Pool }, eventId: string): Promise<RepairOutcome> {
  const result = await reconcileEvent(deps, eventId);
  if (!result.ok) {
    if (result.code === 'event_not_found') return 'consistent';
    return (await rebuildActor(deps, eventId)).ok ? 'restored' : 'busy';
  }
  const { report } = result;
  // Sold in Redis and not yet in Postgres is the persister's backlog, not a loss.
  if (report.onlyInPostgres.length === 0 && (report.onlyInRedis.length === 0 || report.backlog > 0))
    return 'consistent';
  // Sales moved the stream while it was compared: the difference may be one in flight.
  if (report.backlog > 0 || !report.settled) return 'busy';
  if (!(await deps.engine.tryLock(eventId, 'repair', LOCK_MS))) return 'busy';
  try {
    return (await rebuildActor(deps, eventId, { replace: true })).ok ? 'rebuilt' : 'busy';
  } finally {
    await deps.engine.unlock(eventId, 'repair');
  }
}

export type RepairCounts = Record<RepairOutcome, number>;

/**
 * Compares every event's actor with Postgres at start and whenever the Redis servers holding
 * them change (a replica took over, a server restarted: a new run id), and repairs those that
 * disagree, again and again until all agree.
 */
export class FailoverRepair {
  private timer: NodeJS.Timeout | undefined;
  private identity: string | undefined;
  private pending = false;
  private running = false;

  constructor(
    private readonly deps: {
      engine: Engine;
      pool: Pool;
      log: Logger;
      /** Redis may have lost writes: what the persister acknowledged may be pending again */
      onFailover?: () => void;
      onRepaired?: (eventId: string) => void;
    },
    private readonly intervalMs = 500,
  ) {}

  /** Notes which Redis servers hold the actors now, then watches them. */
  async start(): Promise<void> {
    this.identity = await this.deps.engine.redisIdentity().catch(() => undefined);
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checks every actor again at the next tick (some could not be repaired yet). */
  recheck(): void {
    this.pending = true;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const identity = await this.deps.engine.redisIdentity().catch(() => undefined); // Redis down: next tick
      if (identity !== undefined && this.identity !== undefined && identity !== this.identity) {
        this.deps.log.warn(
          { event: 'redis_failover', servers: identity },
          'Redis restarted or failed over: checking every actor against Postgres',
        );
        this.pending = true;
        this.deps.onFailover?.();
      }
      if (identity !== undefined) this.identity = identity;
      if (this.pending) this.pending = (await this.repairAll()).busy > 0;
    } catch (err) {
      this.deps.log.warn({ event: 'actor_repair_failed', err: String(err) }, 'actor repair failed; retrying');
    } finally {
      this.running = false;
    }
  }

  /** Compares every event's actor with Postgres and repairs those that disagree; how many of each. */
  async repairAll(): Promise<RepairCounts> {
    const { rows } = await this.deps.pool.query<{ id: string }>('SELECT id FROM events');
    const counts: RepairCounts = { consistent: 0, rebuilt: 0, restored: 0, busy: 0 };
    for (const { id } of rows) {
      const outcome = await repairActor(this.deps, id);
      counts[outcome] += 1;
      if (outcome === 'rebuilt' || outcome === 'restored') {
        this.deps.onRepaired?.(id);
        this.deps.log.warn(
          { event: 'actor_repaired', eventId: id, outcome },
          'an actor that disagreed with Postgres was rebuilt from it',
        );
      }
    }
    return counts;
  }
}
