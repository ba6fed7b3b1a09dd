/**
 * ticketctl: the operator's window into the engine. Human-readable tables by default,
 * --json for scripts. Exit codes: 0 all good, 1 a finding, 2 usage or connection error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Role } from '../persist/repositories/users.js';
import { allEventIds, rebuild, verify } from './commands/verify.js';
import { listEvents, listHolds, showEvent, showQueue } from './commands/events.js';
import { runMigrations, sweep } from './commands/maintenance.js';
import { listOrders, ORDER_STATUSES, type OrderOptions } from './commands/orders.js';
import { outbox } from './commands/outbox.js';
import { seed } from './commands/seed.js';
import { status } from './commands/status.js';
import { checkInCode, listTickets } from './commands/tickets.js';
import { createUser, tokens } from './commands/users.js';
import { CliError, type Report } from './output.js';
import { readPassword } from './password.js';
import type { Runtime } from './runtime.js';

const wholeNumber = (least: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < least) throw new InvalidArgumentError(`expected a whole number of at least ${least}`);
  return n;
};
const positiveInt = wholeNumber(1);

/** The package's version (package.json is two levels up from src/cli/ and from dist/cli/). */
function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** Under --json a script reads errors as JSON too, usage errors included (on stderr; stdout stays the data). */
const asJson = process.argv.includes('--json');
const jsonError = (message: string, exitCode: number) => `${JSON.stringify({ error: message, exitCode })}\n`;

const program = new Command('ticketctl')
  .description("Inspect and repair the ticketing engine's live state (Redis) and durable record (Postgres).")
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .option('--json', 'print JSON instead of tables (errors too, on stderr)')
  .showHelpAfterError(!asJson)
  .configureOutput({
    outputError: (text, write) => write(asJson ? jsonError(text.trim().replace(/^error: /, ''), 2) : text),
  })
  .exitOverride();

/** Runs a command against fresh connections and turns its report into output and an exit code. */
function action<A extends unknown[]>(work: (rt: Runtime, ...args: A) => Promise<Report>) {
  return async (...args: A) => {
    // Loaded here, not at the top: `--help` and bad usage need no connections and no runtime.
    const { openRuntime } = await import('./runtime.js');
    const rt = await openRuntime();
    try {
      const report = await work(rt, ...args);
      process.stdout.write(`${program.opts().json ? JSON.stringify(report.data, null, 2) : report.text}\n`);
      process.exitCode = report.finding ? 1 : 0;
    } finally {
      await rt.close();
    }
  };
}

program
  .command('status')
  .description('Redis and Postgres reachable, persister lag and pending entries per event, dead letters')
  .option(
    '--max-lag <entries>',
    'lag (entries not yet in Postgres) above which status is a finding',
    wholeNumber(0),
    1000,
  )
  .action(action((rt, opts: { maxLag: number }) => status(rt, opts)));

program
  .command('outbox')
  .description(
    "notifications: outbox entries not yet published and the oldest one's age; webhooks and their failing deliveries",
  )
  .option(
    '--max-age <seconds>',
    'age of the oldest unpublished entry above which outbox is a finding',
    wholeNumber(0),
    60,
  )
  .action(action((rt, opts: { maxAge: number }) => outbox(rt, { maxAgeSeconds: opts.maxAge })));

program
  .command('events')
  .description('every event with live counts from Redis and from Postgres')
  .action(action((rt) => listEvents(rt)));

program
  .command('event')
  .argument('<id>', 'event id')
  .description('one event: version, counts, holds and when they expire, queue, stream backlog')
  .action(action((rt, id: string) => showEvent(rt, id)));

program
  .command('holds')
  .argument('<eventId>', 'event id')
  .description("the event's holds: seat, holder and expiry")
  .action(action((rt, id: string) => listHolds(rt, id)));

program
  .command('queue')
  .argument('<eventId>', 'event id')
  .option('--limit <n>', 'how many waiting buyers to list', positiveInt, 20)
  .description("the event's waiting room: the head of the queue and who is admitted")
  .action(action((rt, id: string, opts: { limit: number }) => showQueue(rt, id, opts.limit)));

program
  .command('orders')
  .description("orders newest first: a buyer's (by email), an event's, by status")
  .option('--email <email>', "the buyer's email (any case)")
  .option('--event <eventId>', 'only this event')
  .addOption(new Option('--status <status>', 'only orders in this status').choices(ORDER_STATUSES))
  .option('--limit <n>', 'how many (at most 100)', positiveInt, 20)
  .option('--cursor <cursor>', 'the next page, as printed by the previous one')
  .action(action((rt, opts: OrderOptions) => listOrders(rt, opts)));

program
  .command('verify')
  .argument('[eventId]', 'event id (or --all)')
  .option('--all', 'every event')
  .description('reconcile Redis and Postgres seat by seat and explain each difference (exit 1 on any)')
  .action(
    action(async (rt, id: string | undefined, opts: { all?: boolean }) => {
      if (!id && !opts.all) throw new CliError('name an event or pass --all');
      return verify(rt, id ? [id] : await allEventIds(rt));
    }),
  );

program
  .command('rebuild')
  .argument('<eventId>', 'event id')
  .description("recreate the event's actor in Redis from Postgres")
  .action(action((rt, id: string) => rebuild(rt, id)));

program
  .command('sweep')
  .description('expire stale holds now')
  .action(action((rt) => sweep(rt)));

program
  .command('seed')
  .description('demo data: 5 venues, 50 events of 1,000 seats, 100 users (idempotent)')
  .action(action((rt) => seed(rt)));

program
  .command('migrate')
  .description('apply database migrations')
  .action(action((rt) => runMigrations(rt)));

program
  .command('users')
  .description('manage accounts')
  .command('create')
  .description('create a user; the password is read from a prompt or stdin, never from argv')
  .requiredOption('--email <email>', "the account's email (an existing account is updated)")
  .requiredOption('--name <name>', 'the name shown for the account')
  .option('--admin', 'create (or promote to) an admin')
  .addOption(
    new Option('--role <role>', 'user, admin, or scanner (checks tickets in at the door)').choices([
      'user',
      'admin',
      'scanner',
    ]),
  )
  .action(
    action(async (rt, opts: { email: string; name: string; admin?: boolean; role?: Role }) =>
      createUser(rt, opts, await readPassword()),
    ),
  );

program
  .command('tickets')
  .argument('<orderIdOrEmail>', 'an order id, or the email of an account')
  .description("an order's tickets, or every ticket an account bought or holds: status, holder, check-in, transfers")
  .action(action((rt, key: string) => listTickets(rt, key)));

program
  .command('checkin')
  .argument('<code>', 'the code a ticket shows (its QR content)')
  .option('--gate <name>', 'where the ticket is admitted', 'ticketctl')
  .description('admit a ticket by its code, as a scanner would (exit 1 when refused)')
  .action(action((rt, code: string, opts: { gate: string }) => checkInCode(rt, code, opts.gate)));

program
  .command('tokens')
  .argument('<count>', 'how many buyers', positiveInt)
  .description('create buyer accounts and print their session tokens as JSON (for load tests)')
  .action(action((rt, count: number) => tokens(rt, count)));

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.exitCode = err instanceof CliError ? err.exitCode : 2;
    process.stderr.write(asJson ? jsonError(message, process.exitCode) : `ticketctl: ${message}\n`);
  }
}
