import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LUA_DIR, readScripts } from '../../src/engine/scripts.js';

const files = readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua'));

describe('Lua script contracts', () => {
  it('every script file is named verbNoun-<numKeys>.lua', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) expect(file).toMatch(/^[a-z][A-Za-z]+-\d+\.lua$/);
  });

  it.each(files)('%s opens with a header naming it, every KEYS[i] and ARGV[i] it uses, and its results', (file) => {
    const text = readFileSync(new URL(file, LUA_DIR), 'utf8');
    const [, name, numKeys] = /^(\w+)-(\d+)\.lua$/.exec(file)!;
    const header = /^--\[\[\n([\s\S]*?)\n\]\]/.exec(text)?.[1];
    expect(header, 'header block').toBeDefined();
    expect(header!.startsWith(`${name}: `)).toBe(true);
    const documentedKeys = [...header!.matchAll(/^KEYS\[(\d+)\] \S+/gm)].map((m) => Number(m[1]));
    expect(documentedKeys).toEqual(Array.from({ length: Number(numKeys) }, (_, i) => i + 1));
    expect(header).toMatch(/^Returns /m);
    expect(header).toMatch(/^Errors /m);

    const body = text.slice(text.indexOf(']]'));
    for (const m of body.matchAll(/KEYS\[(\d+)\]/g)) expect(Number(m[1])).toBeLessThanOrEqual(Number(numKeys));
    const documentedArgs = [...header!.matchAll(/^ARGV\[(\d+)(\.\.)?/gm)].map((m) => ({
      i: Number(m[1]),
      open: !!m[2],
    }));
    for (const m of body.matchAll(/ARGV\[(\d+)\]/g)) {
      const i = Number(m[1]);
      expect(
        documentedArgs.some((a) => a.i === i || (a.open && i >= a.i)),
        `ARGV[${i}] documented`,
      ).toBe(true);
    }
  });

  it('scripts build no key names: every key comes from KEYS', () => {
    for (const script of readScripts().values()) {
      expect(script.source).not.toMatch(/\{e:/);
      expect(script.source).not.toMatch(/redis\.call\('\w+', *'[^']*:/);
    }
  });

  it('every script behind a rate limit (rated) documents its limiter key, the rate arguments it passes and the rate_limited reply', () => {
    const rated = files.filter(
      (f) => /^--@include rateLimit$/m.test(readFileSync(new URL(f, LUA_DIR), 'utf8')) && f !== 'limitRate-1.lua',
    );
    expect(rated.sort()).toEqual([
      'getHold-4.lua',
      'joinQueue-8.lua',
      'queuePosition-7.lua',
      'releaseSeats-4.lua',
      'reserveBestSeats-5.lua',
      'reserveSeats-5.lua',
    ]);
    for (const file of rated) {
      const text = readFileSync(new URL(file, LUA_DIR), 'utf8');
      const header = /^--\[\[\n([\s\S]*?)\n\]\]/.exec(text)![1]!;
      const call =
        /^return rated\(KEYS\[(\d+)\], tonumber\(ARGV\[\d+\]\), tonumber\(ARGV\[(\d+)\]\), tonumber\(ARGV\[(\d+)\]\), function\(\)$/m.exec(
          text,
        );
      expect(call, `${file} runs its body through rated(...)`).not.toBeNull();
      const [, key, limit, period] = call!;
      expect(header).toMatch(new RegExp(`^KEYS\\[${key}\\] limiter `, 'm'));
      expect(header).toMatch(new RegExp(`^ARGV\\[${limit}\\] rate limit `, 'm'));
      expect(header).toMatch(new RegExp(`^ARGV\\[${period}\\] rate period `, 'm'));
      expect(/^Errors ([\s\S]*)$/m.exec(header)![1]).toContain("{'rate_limited', retryAfterMs, resetMs}");
      expect(text.trimEnd().endsWith('end)'), `${file}: the whole body is inside rated`).toBe(true);
    }
  });

  it('includes are inlined once and the loader counts keys from the file name', () => {
    const scripts = readScripts();
    const reserve = scripts.get('reserveSeats')!;
    expect(reserve.numKeys).toBe(5);
    expect(reserve.source).not.toContain('--@include');
    expect(reserve.source.match(/local function holderOf/g)).toHaveLength(1);
  });
});
