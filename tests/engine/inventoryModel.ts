/**
 * A plain in-memory model of one event's inventory: what the Lua scripts must agree with.
 * Deliberately simple (arrays and loops), so it is easy to trust.
 */
export type ModelSeat =
  { state: 'available' } | { state: 'held'; holder: string; deadlineMs: number } | { state: 'sold'; orderId: string };

export class InventoryModel {
  seats: ModelSeat[];
  orders = new Map<string, { userId: string; seats: number[]; refunded: boolean }>();

  constructor(
    size: number,
    readonly ttlMs: number,
    readonly maxPerUser: number,
  ) {
    this.seats = Array.from({ length: size }, () => ({ state: 'available' }) as ModelSeat);
  }

  private live(i: number, nowMs: number): ModelSeat {
    const seat = this.seats[i]!;
    return seat.state === 'held' && seat.deadlineMs <= nowMs ? { state: 'available' } : seat;
  }

  activeHold(userId: string, nowMs: number): number[] {
    return this.seats.flatMap((_, i) => {
      const s = this.live(i, nowMs);
      return s.state === 'held' && s.holder === userId ? [i] : [];
    });
  }

  reserve(
    userId: string,
    wanted: number[],
    nowMs: number,
  ): { ok: true } | { ok: false; code: string; seats?: number[] } {
    const mine = this.activeHold(userId, nowMs);
    const unavailable = wanted.filter((i) => {
      const s = this.live(i, nowMs);
      return !(s.state === 'available' || (s.state === 'held' && s.holder === userId));
    });
    if (unavailable.length > 0) return { ok: false, code: 'seats_unavailable', seats: unavailable };
    const take = wanted.filter((i) => this.live(i, nowMs).state === 'available');
    if (mine.length + take.length > this.maxPerUser) return { ok: false, code: 'hold_limit_exceeded' };
    for (const i of take) this.seats[i] = { state: 'held', holder: userId, deadlineMs: nowMs + this.ttlMs };
    return { ok: true };
  }

  /** Only live holds are released: a lapsed hold is no longer held. */
  release(userId: string, wanted: number[], nowMs: number): number[] {
    const released = wanted.filter((i) => {
      const s = this.live(i, nowMs);
      return s.state === 'held' && s.holder === userId;
    });
    for (const i of released) this.seats[i] = { state: 'available' };
    return released;
  }

  confirm(userId: string, orderId: string, nowMs: number): boolean {
    const mine = this.activeHold(userId, nowMs);
    if (mine.length === 0) return false;
    for (const i of mine) this.seats[i] = { state: 'sold', orderId };
    this.orders.set(orderId, { userId, seats: mine, refunded: false });
    return true;
  }

  refund(orderId: string): boolean {
    const order = this.orders.get(orderId);
    if (!order || order.refunded) return false;
    order.refunded = true;
    for (const i of order.seats) this.seats[i] = { state: 'available' };
    return true;
  }

  /** The seat map a snapshot must show: expired holds read as available. */
  states(nowMs: number): string {
    const code = { available: '0', held: '1', sold: '2' } as const;
    return this.seats.map((_, i) => code[this.live(i, nowMs).state]).join('');
  }
}
