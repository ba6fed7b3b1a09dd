import type { SeatCounts } from '../engine/operations/snapshotEvent.js';
import type { SeatStates } from '../engine/operations/seatStates.js';
import { countStates, mergeChanges, sseEvent, type PublishedChange, type SeatChange } from './liveChanges.js';

/** The actor's states of one event as this process follows them, with recent changes for resumes. */
export class EventFeed {
  version = 0;
  /** the version the last tick (or the last snapshot) brought every client to */
  flushedVersion = 0;
  counts: SeatCounts = { total: 0, available: 0, held: 0, sold: 0 };
  /** when the oldest change not yet sent arrived (ms), for the fan-out lag */
  pendingSinceMs: number | undefined;
  private states = Buffer.alloc(0);
  /** the changes of versions base+1 .. version, oldest first */
  private ring: SeatChange[][] = [];
  private base = 0;
  private snapshotCache: { version: number; event: Buffer } | undefined;

  constructor(private readonly resumeVersions: number) {}

  /** Starts again from a full read of the actor: what was known of earlier versions is forgotten. */
  reset(read: SeatStates): void {
    this.version = read.version;
    this.flushedVersion = read.version;
    this.states = Buffer.from(read.states, 'latin1');
    this.counts = countStates(read.states);
    this.ring = [];
    this.base = read.version;
    this.snapshotCache = undefined;
    this.pendingSinceMs = undefined;
  }

  /**
   * Applies the next published change. False when it does not follow on from the known
   * version (a missed message, the actor rebuilt): the caller reads the actor again.
   */
  apply(change: PublishedChange, nowMs: number): boolean {
    if (change.version <= this.version && change.kind !== 'load') return true; // already in the read we started from
    if (change.version !== this.version + 1 || change.kind === 'load') return false;
    for (const [index, state] of change.seats) {
      if (index >= this.states.length) return false;
      this.count(this.states[index]!, -1);
      this.states[index] = state.charCodeAt(0);
      this.count(this.states[index]!, 1);
    }
    this.version = change.version;
    this.ring.push(change.seats);
    if (this.ring.length > 2 * this.resumeVersions) {
      // Versions not yet sent to every client are kept whatever the resume window.
      this.ring = this.ring.slice(-Math.max(this.resumeVersions, this.version - this.flushedVersion));
      this.base = this.version - this.ring.length;
    }
    this.pendingSinceMs ??= nowMs;
    return true;
  }

  private count(char: number, delta: number): void {
    if (char === 104) this.counts.held += delta;
    else if (char === 115) this.counts.sold += delta;
    else this.counts.available += delta;
  }

  /** The net changes from `fromVersion` to now, or undefined when they are no longer known. */
  changesSince(fromVersion: number): SeatChange[] | undefined {
    if (!Number.isSafeInteger(fromVersion) || fromVersion < this.base || fromVersion > this.version) return undefined;
    return mergeChanges(this.ring.slice(fromVersion - this.base));
  }

  /** A `changes` event from `fromVersion` to now (the caller made sure they are known). */
  changesEvent(fromVersion: number, seats: SeatChange[]): Buffer {
    return sseEvent(this.version, 'changes', { fromVersion, version: this.version, seats, counts: this.counts });
  }

  /** The `snapshot` event of the current version, built once per version. */
  snapshotEvent(): Buffer {
    if (this.snapshotCache?.version !== this.version) {
      const data = { version: this.version, states: this.states.toString('latin1'), counts: this.counts };
      this.snapshotCache = { version: this.version, event: sseEvent(this.version, 'snapshot', data) };
    }
    return this.snapshotCache.event;
  }

  /** Current states as a string (tests, and the convergence check). */
  statesNow(): string {
    return this.states.toString('latin1');
  }
}
