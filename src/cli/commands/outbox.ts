import { outboxBacklog } from '../../notify/outbox.js';
import { webhookHealth } from '../../notify/webhooks.js';
import type { Report } from '../output.js';
import { table } from '../output.js';
import type { Runtime } from '../runtime.js';

/**
 * The notification backlog (outbox entries not yet published, and the oldest one's age)
 * and each webhook's deliveries. A finding: the oldest entry is older than the limit, or a
 * webhook is failing (retrying now, or given up).
 */
export async function outbox(rt: Runtime, opts: { maxAgeSeconds: number }): Promise<Report> {
  const [backlog, webhooks] = await Promise.all([outboxBacklog(rt.pool), webhookHealth(rt.pool)]);
  const failing = webhooks.filter((w) => w.retrying > 0 || w.failed > 0);
  const findings = [
    ...(backlog.oldestAgeSeconds > opts.maxAgeSeconds
      ? [
          `the oldest unpublished outbox entry is ${Math.round(backlog.oldestAgeSeconds)} s old (limit ${opts.maxAgeSeconds} s): is the relay running, is RabbitMQ up?`,
        ]
      : []),
    ...failing.map(
      (w) =>
        `webhook ${w.id} (${w.url}) is failing: ${w.retrying} retrying, ${w.failed} given up; last error: ${w.lastError ?? '-'}`,
    ),
  ];
  const text = [
    `outbox backlog ${backlog.entries} entr${backlog.entries === 1 ? 'y' : 'ies'}, oldest ${Math.round(backlog.oldestAgeSeconds)} s (limit ${opts.maxAgeSeconds} s)`,
    '',
    table(
      webhooks.map((w) => ({ ...w })),
      ['id', 'url', 'pending', 'retrying', 'failed', 'lastError'],
    ),
    ...findings.map((f) => `FINDING: ${f}`),
  ].join('\n');
  return { data: { backlog, webhooks, findings }, text, finding: findings.length > 0 };
}
