import { api, ask } from '../api/client';
import type { Counts, Layout } from '../api/types';

const RECONNECT_MS = 3_000;

export type SeatStatus = 'available' | 'held' | 'sold';
const STATUS: Record<string, SeatStatus> = { a: 'available', h: 'held', s: 'sold' };

type Snapshot = { version: number; states: string; counts: Counts };
type Changes = { fromVersion: number; version: number; seats: [number, 'a' | 'h' | 's'][]; counts: Counts };
/** indices whose status changed; undefined when every seat may have */
export type ChangeListener = (changed: number[] | undefined) => void;

/**
 * The live state of one event's seats, outside React: 10,000 seats re-rendered through React
 * on every change would blow the frame budget, so the map subscribes and patches only the
 * buttons that changed.
 */
export class SeatStore {
  private states: string[];
  private version: number;
  counts: Counts;
  private readonly listeners = new Set<ChangeListener>();
  private readonly indexById: Map<string, number>;
  private source: EventSource | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly eventId: string,
    readonly layout: Layout,
    snapshot: Snapshot,
  ) {
    this.states = [...snapshot.states];
    this.version = snapshot.version;
    this.counts = snapshot.counts;
    this.indexById = new Map(layout.seats.map((seat, i) => [seat.id, i]));
  }

  static async load(eventId: string): Promise<SeatStore> {
    const [layout, availability] = await Promise.all([
      ask(api.GET('/api/events/{id}/layout', { params: { path: { id: eventId } } })),
      ask(api.GET('/api/events/{id}/availability', { params: { path: { id: eventId } } })),
    ]);
    return new SeatStore(eventId, layout, availability);
  }

  status(index: number): SeatStatus {
    return STATUS[this.states[index] ?? 'a'] ?? 'available';
  }

  indexOf(seatId: string): number | undefined {
    return this.indexById.get(seatId);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows /live: a snapshot, then coalesced changes; EventSource resumes by Last-Event-ID itself. */
  connect() {
    if (this.source) return;
    const source = new EventSource(`/api/events/${encodeURIComponent(this.eventId)}/live`);
    source.addEventListener('snapshot', (e) =>
      this.applySnapshot(JSON.parse((e as MessageEvent<string>).data) as Snapshot),
    );
    source.addEventListener('changes', (e) =>
      this.applyChanges(JSON.parse((e as MessageEvent<string>).data) as Changes),
    );
    // EventSource retries a dropped stream by itself, but gives up on an error answer (a 503
    // while Redis is away): then start over a little later.
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED || this.source !== source) return;
      this.source = undefined;
      this.retry = setTimeout(() => this.connect(), RECONNECT_MS);
    });
    this.source = source;
  }

  close() {
    clearTimeout(this.retry);
    this.source?.close();
    this.source = undefined;
    this.listeners.clear();
  }

  private applySnapshot(snapshot: Snapshot) {
    this.apply(
      snapshot,
      Array.from(snapshot.states, (state, index) => [index, state] as const),
    );
  }

  private applyChanges(changes: Changes) {
    if (changes.version <= this.version) return; // already seen (the snapshot we loaded was newer)
    this.apply(changes, changes.seats);
  }

  /** Takes the new states and tells the listeners which seats really changed. */
  private apply(next: { version: number; counts: Counts }, seats: Iterable<readonly [number, string]>) {
    const changed: number[] = [];
    for (const [index, state] of seats) {
      if (this.states[index] !== state) {
        this.states[index] = state;
        changed.push(index);
      }
    }
    this.version = next.version;
    this.counts = next.counts;
    this.emit(changed);
  }

  private emit(changed: number[] | undefined) {
    for (const listener of this.listeners) listener(changed);
  }
}
