import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../src/engine/clock.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { SessionStore } from '../../src/services/sessions.js';
import { freePort } from '../../src/infra/redisServer.js';
import { silentLogger } from '../../src/infra/logger.js';
import { Persister } from '../../src/persist/persister.js';
import { TicketCodes } from '../../src/services/ticketCodes.js';
import { deletePrefix, newRedis, testPrefix } from '../support/engine.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { seedUsers } from '../support/world.js';
import { progress } from '../../src/cli/output.js';

const redis = newRedis();
const prefix = testPrefix();
let db: TestDatabase;
let engine: Engine;
beforeAll(async () => {
  db = await freshDatabase();
  engine = createEngine({ redis, prefix });
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await db.drop();
});

/** Runs `ticketctl` (from the sources; bin/ticketctl.mjs runs the same module compiled) as a subprocess against this test's database and Redis prefix. */
function ticketctl(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], options);
}

function run(command: string, args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(command, args, {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        REDIS_URL: inject('redisUrl'),
        REDIS_PREFIX: prefix,
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
const json = async (args: string[]) => {
  const r = await ticketctl([...args, '--json']);
  if (!r.stdout) throw new Error(`ticketctl ${args.join(' ')} printed nothing (exit ${r.code}): ${r.stderr}`);
  return { ...r, data: JSON.parse(r.stdout) };
};

async function drain() {
  const persister = new Persister({ redis, pool: db.pool, log: silentLogger, prefix });
  while ((await persister.drainOnce()) > 0);
}

async function sell(eventId: string, userId: string, seats: number[]) {
  const held = await engine.reserveSeats(eventId, userId, seats);
  if (!held.ok) throw new Error(held.code);
  const sale = await engine.confirmSale({
    eventId,
    userId,
    orderId: randomUUID(),
    idempotencyKey: randomUUID(),
    paymentRef: 'p',
    seats,
  });
  if (!sale.ok) throw new Error(sale.code);
  return sale.orderId;
}

describe('ticketctl', () => {
  let onSale: string;
  let highDemand: string;

  it('has --help on every command (exit 0) and exits 2 on bad usage', async () => {
    for (const cmd of [
      'status',
      'events',
      'event',
      'holds',
      'queue',
      'orders',
      'verify',
      'rebuild',
      'sweep',
      'seed',
      'migrate',
      'tokens',
    ]) {
      const r = await ticketctl([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain(`Usage: ticketctl ${cmd}`);
    }
    expect((await ticketctl(['users', 'create', '--help'])).stdout).toContain('--email');
    // help text on every option and argument: each listed one has words after its flags
    for (const cmd of [
      [],
      ['status'],
      ['queue'],
      ['orders'],
      ['verify'],
      ['checkin'],
      ['tokens'],
      ['users', 'create'],
    ]) {
      const help = (await ticketctl([...cmd, '--help'])).stdout;
      const listed = help
        .split(/\n(?:Arguments|Options):\n/)
        .slice(1)
        .flatMap((section) => section.split('\n\n')[0]!.split('\n'))
        .filter(Boolean);
      // (a line indented further continues the description above it)
      for (const line of listed.filter((l) => /^ {2}\S/.test(l)))
        expect(line, `${cmd.join(' ')}: ${line}`).toMatch(/^ {2}\S.*\S {2,}\S/);
      expect(listed.length, cmd.join(' ')).toBeGreaterThan(0);
    }
    expect((await ticketctl(['nonsense'])).code).toBe(2);
    expect((await ticketctl(['tokens', 'many'])).code).toBe(2);
    expect((await ticketctl(['verify'])).code).toBe(2);
  }, 60_000);

  it('exits 2 when it cannot reach Redis', async () => {
    const r = await ticketctl(['status'], { env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot reach Redis or Postgres');
  });

  it('reports an error as JSON under --json, and prints its version', async () => {
    const r = await ticketctl(['status', '--json'], { env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({
      exitCode: 2,
      error: expect.stringContaining('cannot reach Redis or Postgres'),
    });
    expect(await ticketctl(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    // usage errors too: no help text, one JSON line on stderr, nothing on stdout
    const usage = await ticketctl(['tokens', 'many', '--json']);
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(JSON.parse(usage.stderr)).toEqual({
      exitCode: 2,
      error: expect.stringContaining("invalid for argument 'count'"),
    });
    expect(JSON.parse((await ticketctl(['nonsense', '--json'])).stderr)).toEqual({
      exitCode: 2,
      error: "unknown command 'nonsense'",
    });
  });

  it('migrates (nothing to do on a migrated database) and seeds idempotently', async () => {
    expect(await ticketctl(['migrate'])).toMatchObject({ code: 0, stdout: 'up to date\n' });
    const first = await json(['seed']);
    expect(first.code).toBe(0);
    expect(first.data).toMatchObject({ venuesCreated: 5, eventsCreated: 50, usersCreated: 100 });
    const again = await json(['seed']);
    expect(again.data).toMatchObject({ venuesCreated: 0, eventsCreated: 0, usersCreated: 0 });
    const counts = await db.pool
      .query(`SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM seats) AS seats,
      (SELECT count(DISTINCT city)::int FROM venues) AS cities, (SELECT count(*)::int FROM users) AS users`);
    expect(counts.rows[0]).toEqual({ events: 50, seats: 50_000, cities: 5, users: 100 });
  }, 120_000);

  it('lists events with live and durable counts', async () => {
    const { code, data } = await json(['events']);
    expect(code).toBe(0);
    expect(data.events).toHaveLength(50);
    expect(data.events.every((e: { total: number; actor: string }) => e.total === 1000 && e.actor === 'open')).toBe(
      true,
    );
    onSale = (await db.pool.query(`SELECT id FROM events WHERE on_sale_date < now() AND NOT high_demand LIMIT 1`))
      .rows[0].id;
    highDemand = (await db.pool.query(`SELECT id FROM events WHERE high_demand LIMIT 1`)).rows[0].id;
    const text = await ticketctl(['events']);
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+DATE/);
  });

  it('shows an event, its holds and its queue', async () => {
    const [buyer] = await seedUsers(db.pool, 1);
    expect((await engine.reserveSeats(onSale, buyer!, [0, 1])).ok).toBe(true);
    const event = await ticketctl(['event', onSale]);
    expect(event.code).toBe(0);
    expect(event.stdout).toContain('seats 1000: 998 available, 2 held, 0 sold');
    const holds = await json(['holds', onSale]);
    expect(holds.data.holds.map((h: { seat: string; userId: string }) => [h.seat, h.userId])).toEqual([
      ['Floor 1-1', buyer],
      ['Floor 1-2', buyer],
    ]);
    await engine.joinQueue(highDemand, 'queued-buyer');
    const queue = await json(['queue', highDemand]);
    expect(queue.data).toMatchObject({
      waiting: 1,
      admitted: 0,
      waitingHead: [{ position: 1, userId: 'queued-buyer' }],
    });
    expect((await ticketctl(['event', randomUUID()])).code).toBe(2);
  });

  it('reports status with the persister lag, a finding over the limit', async () => {
    const [buyer] = await seedUsers(db.pool, 1);
    await sell(onSale, buyer!, [10]);
    const lagging = await json(['status', '--max-lag', '0']);
    expect(lagging.code).toBe(1);
    expect(lagging.data).toMatchObject({ redis: 'ok', postgres: 'ok', persisterLag: 1 });
    await drain();
    const fine = await json(['status', '--max-lag', '0']);
    expect(fine.code).toBe(0);
    expect(fine.data.persisterLag).toBe(0);
  });

  it('verify finds a mismatch injected in Redis and one injected in Postgres, and explains them', async () => {
    expect((await ticketctl(['verify', onSale])).code).toBe(0);
    // Redis: a sale that never reached Postgres (no persister runs)
    const [a, b] = await seedUsers(db.pool, 2);
    const orderId = await sell(onSale, a!, [20]);
    const redisSide = await ticketctl(['verify', onSale]);
    expect(redisSide.code).toBe(1);
    expect(redisSide.stdout).toContain(`seat Floor 1-21 (#20) is sold in Redis (order ${orderId}, user ${a})`);
    await drain();
    expect((await ticketctl(['verify', onSale])).code).toBe(0);
    // Postgres: a ticket Redis knows nothing about
    const forged = randomUUID();
    await db.pool.query(
      `INSERT INTO orders (id, user_id, event_id, status, total_cents, idempotency_key, payment_ref, stream_id, created_at)
      VALUES ($1, $2, $3, 'completed', 1, 'forged', 'p', 'forged-1', now())`,
      [forged, b, onSale],
    );
    await db.pool.query(
      `INSERT INTO tickets (order_id, event_id, seat_id, price_cents, holder_id)
      SELECT $1, $2, id, 1, $3 FROM seats WHERE event_id = $2 AND seat_index = 30`,
      [forged, onSale, b],
    );
    const pgSide = await json(['verify', '--all']);
    expect(pgSide.code).toBe(1);
    const report = pgSide.data.events.find((e: { eventId: string }) => e.eventId === onSale);
    expect(report.onlyInPostgres).toEqual([30]);
    expect(report.differences[0]).toContain('Redis lost the sale');
    expect(pgSide.data.events.filter((e: { consistent: boolean }) => !e.consistent)).toHaveLength(1);
  });

  it('rebuild after a flush restores every sold seat', async () => {
    const before = await engine.snapshotEvent(onSale);
    await engine.dropActor(onSale, await engine.salesHead(onSale));
    expect((await ticketctl(['event', onSale])).stdout).toContain('actor missing');
    const rebuilt = await ticketctl(['rebuild', onSale]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/rebuilt .*: 1000 seats, 3 sold/);
    const after = await engine.snapshotEvent(onSale);
    // every seat sold in Postgres (including the forged one) is sold again; holds are gone
    const soldBefore = before.ok ? [...before.states].flatMap((ch, i) => (ch === '2' ? [i] : [])) : [];
    const soldAfter = after.ok ? [...after.states].flatMap((ch, i) => (ch === '2' ? [i] : [])) : [];
    expect(soldAfter).toEqual([...soldBefore, 30].sort((x, y) => x - y));
    expect((await ticketctl(['verify', onSale])).code).toBe(0);
  });

  it("lists a buyer's orders by email, newest first, in pages", async () => {
    const [buyer, other] = await seedUsers(db.pool, 2);
    // seats of row 3, which no other case here touches
    const first = await sell(onSale, buyer!, [80]);
    // "newest first" has one answer only if the two sales are not in the same millisecond
    for (const sold = Date.now(); Date.now() === sold;) await new Promise((r) => setImmediate(r));
    const second = await sell(onSale, buyer!, [81, 82]);
    await sell(onSale, other!, [83]);
    await drain();
    const email = (await db.pool.query('SELECT email FROM users WHERE id = $1', [buyer])).rows[0].email as string;
    const all = await json(['orders', '--email', email.toUpperCase()]);
    expect(all.code).toBe(0);
    expect(all.data.orders.map((o: { id: string }) => o.id)).toEqual([second, first]);
    expect(all.data.orders[0].items.map((i: { row: string; number: string }) => `${i.row}-${i.number}`)).toEqual([
      '3-2',
      '3-3',
    ]);
    const page = await json(['orders', '--email', email, '--limit', '1']);
    expect(page.data.orders.map((o: { id: string }) => o.id)).toEqual([second]);
    const next = await json(['orders', '--email', email, '--limit', '1', '--cursor', page.data.nextCursor]);
    expect([next.data.orders.map((o: { id: string }) => o.id), next.data.nextCursor]).toEqual([[first], null]);
    const text = await ticketctl(['orders', '--email', email]);
    expect(text.stdout).toMatch(/^ID\s+CREATEDAT\s+STATUS/);
    expect(text.stdout).toContain('Floor 3-2, Floor 3-3');
    expect((await ticketctl(['orders', '--status', 'paid'])).code).toBe(2);
    expect((await ticketctl(['orders', '--cursor', 'forged'])).code).toBe(2);
  }, 120_000);

  it('sweeps expired holds', async () => {
    const r = await json(['sweep']);
    expect(r.code).toBe(0);
    expect(r.data.freedHolds).toBe(0);
  });

  it('creates users with a password from stdin, never argv', async () => {
    const none = await ticketctl(['users', 'create', '--email', 'ops@example.test', '--name', 'Ops', '--admin']);
    expect(none.code).toBe(2); // no password on stdin
    expect(none.stderr).toContain('the password must be 8 to 72 bytes');
    const ok = await ticketctl(
      ['users', 'create', '--email', 'ops@example.test', '--name', 'Ops', '--admin', '--json'],
      { stdin: 'a long password\n' },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).user).toMatchObject({ email: 'ops@example.test', role: 'admin' });
    const dup = await ticketctl(['users', 'create', '--email', 'ops@example.test', '--name', 'Ops'], {
      stdin: 'a long password\n',
    });
    expect(dup.code).toBe(1);
  }, 30_000);

  it('creates a scanner, lists tickets by order and by email, and checks a code in once', async () => {
    const made = await ticketctl(
      ['users', 'create', '--email', 'door@example.test', '--name', 'Door', '--role', 'scanner', '--json'],
      { stdin: 'a long password\n' },
    );
    expect(JSON.parse(made.stdout).user).toMatchObject({ email: 'door@example.test', role: 'scanner' });

    const [buyer] = await seedUsers(db.pool, 1);
    const orderId = await sell(onSale, buyer!, [40, 41]);
    await drain();
    const byOrder = await json(['tickets', orderId]);
    expect(byOrder.code).toBe(0);
    expect(
      byOrder.data.map((t: { status: string; holderId: string; version: number }) => [t.status, t.holderId, t.version]),
    ).toEqual([
      ['valid', buyer, 1],
      ['valid', buyer, 1],
    ]);
    const byEmail = await json(['tickets', `buyer-${buyer}@example.test`]);
    expect(byEmail.data.map((t: { id: string }) => t.id)).toEqual(byOrder.data.map((t: { id: string }) => t.id));
    expect((await ticketctl(['tickets', 'nobody@example.test'])).code).toBe(1);

    const secret = 'a'.repeat(32);
    const code = new TicketCodes(secret, systemClock).issue(byOrder.data[0].id, 1).code;
    const env = { TICKET_SECRET: secret };
    const admitted = await ticketctl(['checkin', code, '--gate', 'East'], { env });
    expect(admitted).toMatchObject({ code: 0, stdout: expect.stringMatching(/^admitted: ticket /) });
    const again = await ticketctl(['checkin', code], { env });
    expect(again).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^refused: already checked in at .* \(East\)/),
    });
    const forged = await ticketctl(['checkin', code.replace(/.$/, code.endsWith('A') ? 'B' : 'A')], { env });
    expect(forged).toMatchObject({ code: 1, stdout: 'refused: invalid code (forged)\n' });
    const after = await json(['tickets', orderId]);
    expect(after.data[0]).toMatchObject({ status: 'checked_in', gate: 'East', checkedInBy: null });
  }, 120_000);

  it('prints session tokens for load tests', async () => {
    const r = await ticketctl(['tokens', '3']);
    expect(r.code).toBe(0);
    // stderr is a pipe here: no progress bar
    expect(r.stderr).toBe('');
    const tokens = JSON.parse(r.stdout) as string[];
    expect(tokens).toHaveLength(3);
    const sessions = new SessionStore(redis, prefix);
    for (const token of tokens) expect((await sessions.get(token))?.role).toBe('user');
  }, 30_000);

  it('draws a progress bar on stderr when it is a terminal, and keeps stdout pure JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ticketctl-'));
    try {
      const out = join(dir, 'tokens.json');
      // script(1) gives the command a terminal; stdout goes to a file, stderr to the terminal
      const r = await run('script', [
        '-qec',
        `${process.execPath} --import tsx src/cli/main.ts tokens 3 --json > ${out}`,
        '/dev/null',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/buyers \[#{30}\] 3\/3/);
      expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('progress: a bar per step on a terminal, nothing otherwise', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, write: (s: string) => written.push(s) > 0 };
    const tick = progress('events', 4, terminal);
    tick(2);
    tick(4);
    expect(written).toEqual([
      `\revents [${'#'.repeat(15)}${' '.repeat(15)}] 2/4`,
      `\revents [${'#'.repeat(30)}] 4/4`,
      '\n',
    ]);
    const piped: string[] = [];
    progress('events', 4, { isTTY: false, write: (s: string) => piped.push(s) > 0 })(4);
    expect(piped).toEqual([]);
  });
});
