import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST_DIR } from '../../src/http/webApp.js';
import { ADMIN, newBuyer, startBrowserStack, tokenFor, type BrowserStack } from './browserStack.js';

let stack: BrowserStack;
beforeAll(async () => {
  stack = await startBrowserStack('seat-map');
});
afterAll(() => stack?.close());

/** 4 sections of 50 rows by 50 seats. */
const SECTIONS = ['North', 'East', 'South', 'West'].map((name) => ({ name, rows: 50, seatsPerRow: 50 }));

describe('the 10,000-seat map in Chromium', () => {
  // Its timings (first render, a live change's main-thread work) are measured by `npm run bench -- seatmap`.
  it("shows every one of 10,000 seats, and another buyer's hold without a reload", async () => {
    const admin = await tokenFor(stack, ADMIN);
    const venue = (await (
      await stack.call('POST', '/api/venues', {
        token: admin,
        body: { name: 'Big Dome', city: 'Metro', sections: SECTIONS },
      })
    ).json()) as { venue: { id: string } };
    const created = await stack.call('POST', '/api/events', {
      token: admin,
      body: {
        name: 'Ten Thousand',
        artist: 'The Crowd',
        venueId: venue.venue.id,
        eventDate: new Date(Date.now() + 86_400_000).toISOString(),
        onSaleDate: new Date(Date.now() - 60_000).toISOString(),
        prices: Object.fromEntries(SECTIONS.map((s) => [s.name, 3_000])),
      },
    });
    const { event } = (await created.json()) as { event: { id: string; counts: { total: number } } };
    expect(event.counts.total).toBe(10_000);

    const context = await stack.context();
    const page = await context.newPage();
    await page.goto(`/events/${event.id}`);
    await page
      .getByRole('button', { name: 'Section West, row 50, seat 50', exact: true })
      .waitFor({ state: 'attached' });
    expect(await page.locator('button.seat').count()).toBe(10_000);
    await expect.poll(() => page.locator('button.seat[data-status="available"]').count()).toBe(10_000);

    // another buyer takes six seats; the map shows them held without a reload
    const taker = await newBuyer(stack, 'Taker');
    const layout = (await (await stack.call('GET', `/api/events/${event.id}/seats`)).json()) as {
      seats: { id: string; section: string; row: string; number: string }[];
    };
    const picked = layout.seats.filter((s) => s.section === 'South' && s.row === '25' && Number(s.number) <= 6);
    const held = await stack.call('POST', '/api/seats/reserve', {
      token: taker.token,
      body: { eventId: event.id, seatIds: picked.map((s) => s.id) },
    });
    expect(held.status).toBe(201);
    await page
      .locator('[aria-label="Section South, row 25, seat 6"][data-status="held"]')
      .waitFor({ state: 'attached' });
    await expect.poll(() => page.locator('button.seat[data-status="held"]').count()).toBe(6);
    await stack.screenshot(page, 'ten-thousand');
  });

  it('loads at most 150 KB of gzipped JavaScript before the first page shows', () => {
    const index = readFileSync(resolve(WEB_DIST_DIR, 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map(
      (m) => m[1]!,
    );
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce(
      (sum, src) => sum + gzipSync(readFileSync(resolve(WEB_DIST_DIR, `.${src}`))).length,
      0,
    );
    console.log(`initial JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzipped (${scripts.join(', ')})`);
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
  });
});
