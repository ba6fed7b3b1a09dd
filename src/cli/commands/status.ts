import { backlogTotal } from '../../engine/salesBacklog.js';
import type { Report } from '../output.js';
import { table } from '../output.js';
import type { Runtime } from '../runtime.js';

/** Reachability, persister lag and pending entries per event, dead letters. A finding: lag over the limit, or any dead letter. */
export async function status(rt: Runtime, opts: { maxLag: number }): Promise<Report> {
  const [redisPing, pgNow] = await Promise.all([rt.engine.ping(), rt.pool.query<{ now: Date }>('SELECT now()')]);
  const events = [];
  for (const eventId of (await rt.engine.liveEventIds()).sort()) {
    const [backlog, deadLetters] = await Promise.all([
      rt.engine.salesBacklog(eventId),
      rt.engine.deadLetterCount(eventId),
    ]);
    events.push({
      eventId,
      pending: backlog.pending,
      undelivered: backlog.undelivered,
      lag: backlogTotal(backlog),
      deadLetters,
    });
  }
  const totalLag = events.reduce((n, e) => n + e.lag, 0);
  const deadLetters = events.reduce((n, e) => n + e.deadLetters, 0);
  const data = {
    redis: redisPing === 'PONG' ? 'ok' : redisPing,
    postgres: 'ok',
    postgresTime: pgNow.rows[0]!.now.toISOString(),
    persisterLag: totalLag,
    maxLag: opts.maxLag,
    deadLetters,
    events,
  };
  const problems = [
    ...(totalLag > opts.maxLag ? [`persister lag ${totalLag} entries is over the limit of ${opts.maxLag}`] : []),
    ...(deadLetters > 0
      ? [
          `${deadLetters} dead-lettered entr${deadLetters === 1 ? 'y' : 'ies'}: Postgres refused them (see docs/operations.md)`,
        ]
      : []),
  ];
  const text = [
    `redis     ${data.redis}`,
    `postgres  ${data.postgres}`,
    `persister lag ${totalLag} entries (limit ${opts.maxLag}), dead letters ${deadLetters}`,
    '',
    table(
      events.filter((e) => e.lag > 0 || e.deadLetters > 0),
      ['eventId', 'pending', 'undelivered', 'deadLetters'],
    ),
    ...problems.map((p) => `FINDING: ${p}`),
  ].join('\n');
  return { data: { ...data, findings: problems }, text, finding: problems.length > 0 };
}
