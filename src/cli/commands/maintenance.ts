import { migrate } from '../../persist/migrate.js';
import type { Report } from '../output.js';
import type { Runtime } from '../runtime.js';

export async function sweep(rt: Runtime): Promise<Report> {
  const freed = await rt.engine.sweepAll();
  return { data: { freedHolds: freed }, text: `freed ${freed} expired hold(s)` };
}

export async function runMigrations(rt: Runtime): Promise<Report> {
  const applied = await migrate(rt.pool);
  return { data: { applied }, text: applied.length ? `applied ${applied.join(', ')}` : 'up to date' };
}
