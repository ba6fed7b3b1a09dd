import { inject } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../src/persist/scratchDatabase.js';

export type TestDatabase = ScratchDatabase;

/** A new, migrated database of its own on the test Postgres; drop() removes it. */
export const freshDatabase = (adminUrl: string = inject('adminDatabaseUrl')): Promise<TestDatabase> =>
  createScratchDatabase(adminUrl, 'tk_test', 20);
