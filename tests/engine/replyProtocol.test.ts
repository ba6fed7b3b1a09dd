import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/engine/clock.js';
import { DEFAULT_LIMITS, EngineContext } from '../../src/engine/context.js';
import { EngineProtocolError, ENGINE_FAILURE_CODES } from '../../src/engine/errors.js';
import { readIntegers, readReply, SCRIPT_REPLIES, type StatusScript } from '../../src/engine/replies.js';
import { LUA_DIR, type ScriptRunner } from '../../src/engine/scripts.js';
import { closeEvent } from '../../src/engine/operations/closeEvent.js';
import { dropActor } from '../../src/engine/operations/dropActor.js';
import { confirmSale } from '../../src/engine/operations/confirmSale.js';
import { getHold } from '../../src/engine/operations/getHold.js';
import { limitRate } from '../../src/engine/operations/limitRate.js';
import { loadEvent } from '../../src/engine/operations/loadEvent.js';
import {
  admitBuyers,
  configureQueue,
  joinQueue,
  leaveQueue,
  queuePosition,
} from '../../src/engine/operations/queueScripts.js';
import { refundOrder } from '../../src/engine/operations/refundOrder.js';
import { releaseSeats } from '../../src/engine/operations/releaseSeats.js';
import { reserveSeats } from '../../src/engine/operations/reserveSeats.js';
import { reserveBestSeats } from '../../src/engine/operations/reserveBestSeats.js';
import { extendHold } from '../../src/engine/operations/extendHold.js';
import { snapshotEvent } from '../../src/engine/operations/snapshotEvent.js';
import { sweepHolds } from '../../src/engine/operations/sweepHolds.js';
import { trimSales } from '../../src/engine/operations/trimSales.js';

const names = readdirSync(LUA_DIR)
  .filter((f) => f.endsWith('.lua'))
  .map((f) => f.replace(/-\d+\.lua$/, ''));

/** The statuses a header's `Returns` lines open replies with, and the codes its `Errors` lines list. */
function headerContract(name: string) {
  const file = readdirSync(LUA_DIR).find((f) => f.startsWith(`${name}-`))!;
  const header = /^--\[\[\n([\s\S]*?)\n\]\]/.exec(readFileSync(new URL(file, LUA_DIR), 'utf8'))![1]!;
  const returns = /^Returns ([\s\S]*?)^Errors/m.exec(header)![1]!;
  const errors = /^Errors ([\s\S]*)$/m.exec(header)![1]!;
  const quoted = (text: string) => [...text.matchAll(/\{'(\w+)'/g)].map((m) => m[1]!).sort();
  return { statuses: quoted(returns), errors: quoted(errors), integers: /^\{[^']/.test(returns) };
}

/** Statuses and codes the script's own code returns, and the error replies of the includes it uses. */
function bodyStatuses(name: string): string[] {
  const file = readdirSync(LUA_DIR).find((f) => f.startsWith(`${name}-`))!;
  const text = readFileSync(new URL(file, LUA_DIR), 'utf8');
  const body = text.slice(text.indexOf(']]'));
  const found = [
    ...body.matchAll(/return \{'(\w+)'/g),
    ...body.matchAll(/local reply = \{'(\w+)'/g),
    ...body.matchAll(/queueReply\(K, '(\w+)'/g),
  ].map((m) => m[1]!);
  for (const [, include] of body.matchAll(/^--@include (\w+)/gm)) {
    const helper = readFileSync(new URL(`includes/${include}.lua`, LUA_DIR), 'utf8');
    found.push(...[...helper.matchAll(/return nil, \{'(\w+)'/g)].map((m) => m[1]!));
  }
  return [...new Set(found)].sort();
}

describe('the reply protocol: the TypeScript side agrees with every script header', () => {
  it('lists every script, and only scripts that exist', () => {
    expect(Object.keys(SCRIPT_REPLIES).sort()).toEqual([...names].sort());
  });

  it.each(names)(
    '%s: the statuses and error codes its header lists are exactly the ones its wrapper accepts',
    (name) => {
      const header = headerContract(name);
      const declared = SCRIPT_REPLIES[name as keyof typeof SCRIPT_REPLIES];
      if (declared === 'integers') {
        expect(header).toEqual({ statuses: [], errors: [], integers: true });
        return;
      }
      expect(header.statuses).toEqual([...declared.statuses].sort());
      expect(header.errors).toEqual([...declared.errors].sort());
      for (const code of declared.errors) expect(ENGINE_FAILURE_CODES).toContain(code);
      // and the code returns no status its header does not list
      const listed: string[] = [...declared.statuses, ...declared.errors];
      expect(bodyStatuses(name).filter((s) => !listed.includes(s))).toEqual([]);
    },
  );

  it('every engine failure code is some script error or a wrapper refusing an invalid event id', () => {
    const used = new Set<string>(['event_not_found']);
    for (const r of Object.values(SCRIPT_REPLIES)) if (r !== 'integers') for (const code of r.errors) used.add(code);
    expect([...used].sort()).toEqual([...ENGINE_FAILURE_CODES].sort());
  });
});

describe('readReply', () => {
  it('passes a listed status with the rest of the reply, and turns a listed error into a failure', () => {
    expect(readReply('closeEvent', ['ok', 7])).toEqual({ status: 'ok', rest: [7] });
    expect(readReply('reserveSeats', ['seats_unavailable', 3, 4])).toEqual({
      ok: false,
      code: 'seats_unavailable',
      seats: [3, 4],
    });
    expect(readReply('refundOrder', ['order_not_refundable', 'refunded'])).toEqual({
      ok: false,
      code: 'order_not_refundable',
      detail: 'refunded',
    });
  });

  it.each([
    ['closeEvent', ['done', 7]],
    ['closeEvent', ['seats_unavailable', 1]],
    ['getHold', ['replay', 'o']],
    ['joinQueue', ['not_queued', 0, 0, 0, 0, 0]],
    ['loadEvent', ['ok', 1]],
    ['snapshotEvent', 'ok'],
    ['snapshotEvent', [1, 2]],
  ] as [StatusScript, unknown][])('%s: throws on %j (a status its header does not list)', (script, reply) => {
    expect(() => readReply(script, reply)).toThrow(EngineProtocolError);
  });

  it('readIntegers wants exactly the count of integers', () => {
    expect(readIntegers('sweepHolds', [2, 0], 2)).toEqual([2, 0]);
    expect(() => readIntegers('sweepHolds', [2], 2)).toThrow(EngineProtocolError);
    expect(() => readIntegers('limitRate', ['ok', 1, 2], 3)).toThrow(EngineProtocolError);
  });
});

describe('every wrapper throws on a reply its script never sends', () => {
  const eventId = '00000000-0000-4000-8000-000000000001';
  const surprise = (reply: unknown) =>
    new EngineContext({ run: async () => reply } as unknown as ScriptRunner, 't:', new FakeClock(), DEFAULT_LIMITS);
  const calls: [string, (ctx: EngineContext) => Promise<unknown>][] = [
    ['admitBuyers', (ctx) => admitBuyers(ctx, eventId)],
    ['closeEvent', (ctx) => closeEvent(ctx, eventId)],
    ['dropActor', (ctx) => dropActor(ctx, eventId, '0-0')],
    [
      'configureQueue',
      (ctx) => configureQueue(ctx, eventId, { ratePerSecond: 1, capacity: 1, admissionMs: 1, abandonMs: 1, seed: 's' }),
    ],
    [
      'confirmSale',
      (ctx) =>
        confirmSale(ctx, { eventId, userId: 'u', orderId: 'o', idempotencyKey: 'k', paymentRef: 'p', seats: [0] }),
    ],
    ['getHold', (ctx) => getHold(ctx, eventId, 'u')],
    ['joinQueue', (ctx) => joinQueue(ctx, eventId, 'u')],
    ['leaveQueue', (ctx) => leaveQueue(ctx, eventId, 'u')],
    ['limitRate', (ctx) => limitRate(ctx, 'c', 'u', 1, 1000)],
    ['loadEvent', (ctx) => loadEvent(ctx, { eventId, seatPricesCents: [1], onSaleMs: 0, highDemand: false })],
    ['queuePosition', (ctx) => queuePosition(ctx, eventId, 'u')],
    ['refundOrder', (ctx) => refundOrder(ctx, eventId, 'o', 'requested')],
    ['releaseSeats', (ctx) => releaseSeats(ctx, eventId, 'u', [0])],
    ['reserveSeats', (ctx) => reserveSeats(ctx, eventId, 'u', [0])],
    ['reserveBestSeats', (ctx) => reserveBestSeats(ctx, eventId, 'u', 1, [{ firstIndex: 0, rows: 1, seatsPerRow: 1 }])],
    ['extendHold', (ctx) => extendHold(ctx, eventId, 'u')],
    ['snapshotEvent', (ctx) => snapshotEvent(ctx, eventId)],
    ['sweepHolds', (ctx) => sweepHolds(ctx, eventId)],
    ['trimSales', (ctx) => trimSales(ctx, eventId, 0)],
  ];

  it('covers every script', () => {
    expect(calls.map(([name]) => name).sort()).toEqual([...names].sort());
  });

  it.each(calls)('%s', async (_name, call) => {
    // 'hold_changed' is a real engine code, but no script other than confirmSale may send it
    for (const reply of [
      ['version_conflict', 3],
      _name === 'confirmSale' ? ['order_not_found'] : ['hold_changed'],
      null,
    ]) {
      await expect(call(surprise(reply))).rejects.toThrow(EngineProtocolError);
    }
  });
});
