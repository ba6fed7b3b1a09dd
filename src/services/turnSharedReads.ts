/**
 * One read per key per turn of the event loop, shared by every caller that asked for it
 * before it was sent. The read is sent from setImmediate, after the requests that arrived
 * in this turn have asked, so each caller still gets an answer read after it asked (never
 * an older read already in flight): as fresh as a read of its own, for one round trip per
 * key and turn instead of one per request. Hot keys under load share; a lone request pays
 * one turn of the loop.
 */
export class TurnSharedReads<T> {
  private readonly waiting = new Map<string, Promise<T>>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  get(key: string): Promise<T> {
    let shared = this.waiting.get(key);
    if (!shared) {
      shared = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.waiting.delete(key); // callers from now on are after the send: they get the next read
        return this.read(key);
      });
      this.waiting.set(key, shared);
    }
    return shared;
  }
}
