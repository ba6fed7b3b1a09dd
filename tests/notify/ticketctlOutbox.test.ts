import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { enqueue } from '../../src/notify/outbox.js';
import { insertWebhook } from '../../src/notify/webhooks.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

function outboxCommand(): Promise<{
  code: number | null;
  data: { backlog: { entries: number }; webhooks: { id: string; retrying: number }[]; findings: string[] };
}> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'outbox', '--max-age', '60', '--json'],
      {
        env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: inject('redisUrl') },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code, data: JSON.parse(stdout) }));
  });
}

describe('ticketctl outbox', () => {
  it('shows the backlog and a failing webhook as findings, and nothing once they are dealt with', async () => {
    const ids = [
      await enqueue(db.pool, { type: 'event.cancelled', subjectId: randomUUID(), payload: {} }),
      await enqueue(db.pool, { type: 'ticket.checked_in', subjectId: randomUUID(), payload: {} }),
    ];
    await db.pool.query(`UPDATE outbox SET created_at = now() - interval '5 minutes' WHERE id = $1`, [ids[0]]);
    const hook = await insertWebhook(db.pool, { url: 'https://hooks.example/in', events: ['event.cancelled'] });
    await db.pool.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, entry_id, type, attempts, last_status_code, last_error, next_attempt_at, give_up_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'event.cancelled', 2, 500, 'HTTP 500', now(), now() + interval '1 day', now(), now())`,
      [randomUUID(), hook.id, ids[0]],
    );

    const failing = await outboxCommand();
    expect(failing.code).toBe(1);
    expect(failing.data.backlog.entries).toBe(2);
    expect(failing.data.webhooks).toEqual([expect.objectContaining({ id: hook.id, retrying: 1 })]);
    expect(failing.data.findings).toHaveLength(2);
    expect(failing.data.findings[1]).toContain('HTTP 500');

    await db.pool.query('UPDATE outbox SET published_at = now()');
    await db.pool.query(
      `UPDATE webhook_deliveries SET status = 'succeeded', last_status_code = 200, next_attempt_at = NULL`,
    );
    const healthy = await outboxCommand();
    expect(healthy.code).toBe(0);
    expect(healthy.data.backlog.entries).toBe(0);
    expect(healthy.data.findings).toEqual([]);
  });
});
