import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, isPublicAddress, resolveAllowed } from '../../src/notify/addressPolicy.js';
import { registerWebhook } from '../../src/notify/webhookRegistration.js';
import { sendWebhook } from '../../src/notify/webhookSender.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';
import { webhookReceiver } from './receivers.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db.drop();
});

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('webhook targets (SSRF)', () => {
  it('refuses loopback, private, link-local, reserved and IPv4-mapped addresses, and allows public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
    ]) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      expect([address, isPublicAddress(address)]).toEqual([address, true]);
  });

  it('checks every address a name resolves to: one private address is enough to refuse', async () => {
    const resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await expect(resolveAllowed('mixed.example', false, resolver)).rejects.toThrow('resolves to 10.0.0.7');
    expect(await resolveAllowed('mixed.example', true, resolver)).toHaveLength(2);
  });

  it('registration refuses private targets, other schemes and credentials with a reason, and stores nothing', async () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://localhost/x',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://169.254.169.254/latest/meta-data',
      'ftp://93.184.216.34/x',
      'https://user:pw@93.184.216.34/x',
    ]) {
      const result = await registerWebhook(db.pool, { url, events: ['order.completed'] }, false);
      expect([url, result.ok]).toEqual([url, false]);
    }
    expect((await db.pool.query('SELECT count(*)::int AS n FROM webhooks')).rows[0].n).toBe(0);
    expect(
      (await registerWebhook(db.pool, { url: 'http://127.0.0.1:8080/x', events: ['order.completed'] }, true)).ok,
    ).toBe(true);
  });

  it('a delivery to a private address is refused when sent (no request leaves), and a name that turns private is refused at connect', async () => {
    const receiver = await webhookReceiver([200]);
    const refused = await sendWebhook(
      { url: receiver.url, secret: SECRET, messageId: 'm1', body: '{}', at: new Date() },
      { allowPrivate: false, timeoutMs: 1_000 },
    );
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('127.0.0.1') });
    expect(receiver.received).toHaveLength(0);
    // DNS rebinding: the name was public when registered; at connect time it answers 127.0.0.1.
    const lookup = guardedLookup(false, async () => [{ address: '127.0.0.1', family: 4 }]);
    const error = await new Promise<Error | null>((resolve) =>
      lookup('rebind.example', { all: true }, (err) => resolve(err)),
    );
    expect(error?.message).toContain('resolves to 127.0.0.1');
    await receiver.close();
  });

  it('a redirect is not followed: it is a failed attempt', async () => {
    const target = await webhookReceiver([200]);
    const redirecting = await webhookReceiver([302], target.url);
    const result = await sendWebhook(
      { url: redirecting.url, secret: SECRET, messageId: 'm2', body: '{}', at: new Date() },
      { allowPrivate: true, timeoutMs: 1_000 },
    );
    expect(result).toEqual({ ok: false, statusCode: 302, error: 'HTTP 302' });
    expect(redirecting.received).toHaveLength(1);
    expect(target.received).toHaveLength(0);
    await target.close();
    await redirecting.close();
  });
});
