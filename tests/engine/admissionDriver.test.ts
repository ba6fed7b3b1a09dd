import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Logger } from '../../src/infra/logger.js';
import { AdmissionDriver } from '../../src/services/admissionDriver.js';
import { engineFixture, loadedEvent, newRedis } from '../support/engine.js';

describe('the admission driver', () => {
  it('stops once the step under way is done: a shutdown then closes Redis behind no step', async () => {
    const fx = engineFixture();
    // the driver's own connection, closed as the runtime closes its client after stopping it
    const redis = newRedis();
    try {
      for (let i = 0; i < 5; i++) await loadedEvent(fx, 10, { highDemand: true });
      const warnings: unknown[] = [];
      const log = { warn: (obj: unknown) => warnings.push(obj) } as unknown as Logger;
      const driver = new AdmissionDriver(createEngine({ redis, prefix: fx.prefix, clock: fx.clock }), log);
      driver.start();
      const stepping = driver.tick();
      await driver.stop();
      redis.disconnect();
      await stepping;
      expect(warnings).toEqual([]);
    } finally {
      redis.disconnect();
      await fx.close();
    }
  });
});
