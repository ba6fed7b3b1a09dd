import type { Engine } from '../engine/engine.js';
import type { AdmissionStep } from '../engine/operations/queueScripts.js';
import type { Logger } from '../infra/logger.js';

/**
 * Drives admission for every live event a few times a second. Every API process runs one;
 * the admission script is rate-bounded by time, so more drivers admit no faster.
 */
export class AdmissionDriver {
  private timer: NodeJS.Timeout | undefined;
  /** the step under way, if any */
  private current: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
    private readonly onStep: (eventId: string, step: AdmissionStep) => void = () => {},
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  /** No more steps, and the one under way finished: nothing asks Redis after this (shutdown closes it next). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }

  /** One admission step for every live event; skipped if the previous one is still running. */
  tick(): Promise<void> {
    this.current ??= this.step().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  private async step(): Promise<void> {
    try {
      for (const eventId of await this.engine.liveEventIds()) {
        const step = await this.engine.admitBuyers(eventId);
        if (step) this.onStep(eventId, step);
      }
    } catch (err) {
      this.log.warn({ event: 'admission_failed', err: String(err) }, 'admission step failed');
    }
  }
}
