/** One server-sent event as a client sees it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * A minimal EventSource over fetch for tests: it records every event and comment, and
 * lets a test wait for a condition on them. It never reconnects by itself.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private readonly waiters = new Set<() => void>();
  private readonly abort = new AbortController();

  private constructor(readonly response: Response) {}

  /** Opens the stream; the response is returned as is when it is not an event stream. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient(undefined as unknown as Response);
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: client.abort.signal,
    });
    (client as { response: Response }).response = response;
    if (response.ok && response.body) void client.read(response.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.notify();
      }
    } catch {
      // aborted by close(), or the server cut the connection
    }
    this.ended = true;
    this.notify();
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) this.events.push({ id, event, data: data.join('\n') });
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Resolves once `condition` holds (checked after every chunk); rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`condition not met within ${timeoutMs} ms; events: ${JSON.stringify(this.events.slice(-3))}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  close(): void {
    this.abort.abort();
  }
}

/** Seat states as a live client keeps them: a snapshot replaces them, changes patch them. */
export class LiveSeatMap {
  states = '';
  version = -1;
  /** changes events whose fromVersion was not the version held (must stay empty) */
  readonly discontinuities: string[] = [];
  private applied = 0;

  constructor(private readonly client: SseClient) {}

  /** Applies the events received since the last call. */
  update(): this {
    for (; this.applied < this.client.events.length; this.applied++) {
      const e = this.client.events[this.applied]!;
      const data = JSON.parse(e.data) as {
        version: number;
        fromVersion?: number;
        states?: string;
        seats?: [number, string][];
      };
      if (e.event === 'snapshot') {
        this.states = data.states!;
      } else if (e.event === 'changes') {
        if (data.fromVersion !== this.version) this.discontinuities.push(`${data.fromVersion} after ${this.version}`);
        const chars = this.states.split('');
        for (const [index, state] of data.seats!) chars[index] = state;
        this.states = chars.join('');
      }
      this.version = data.version;
      if (String(data.version) !== e.id) this.discontinuities.push(`id ${e.id} for version ${data.version}`);
    }
    return this;
  }
}
