/**
 * A pause between rounds of a background loop that a wake-up (new work, stop) cuts short.
 * A wake-up that comes while no pause runs is kept: the next pause ends at once, so work
 * announced during a round is not left waiting a whole poll interval.
 */
export class Pause {
  private wakeUp: (() => void) | undefined;
  private woken = false;

  for(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }
}
