import type { Engine } from '../engine/engine.js';
import type { AdmissionStep } from '../engine/operations/queueScripts.js';
import type { Logger } from '../infra/logger.js';

/**
 * Drives admission for every live event a few times a second. Every API process runs one;
 * the admission script is rate-bounded by time, so more drivers admit no faster.
 */
export class AdmissionDriver {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
    private readonly onStep: (eventId: string, step: AdmissionStep) => void = () => {},
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One admission step for every live event; skipped if the previous one is still running. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const eventId of await this.engine.liveEventIds()) {
        const step = await this.engine.admitBuyers(eventId);
        if (step) this.onStep(eventId, step);
      }
    } catch (err) {
      this.log.warn({ event: 'admission_failed', err: String(err) }, 'admission step failed');
    } finally {
      this.running = false;
    }
  }
}
