import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { WEB_DIST_DIR } from '../src/http/webApp.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../tests/support/chromium.js';
import { median } from './measure.js';
import { benchStack, createEvent } from './support.js';

const LOADS = 5;
/** the budgets: first seats on screen, and the main-thread work of one live change */
const RENDER_BUDGET_MS = 300;
const UPDATE_BUDGET_MS = 16;

const measures = (page: Page, name: string) =>
  page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((m) => m.duration), name);

/** One row of the report: a measure's median, best and worst over its runs, next to its budget. */
const spread = (measure: string, xs: number[], budget: number | '' = '') => ({
  measure,
  runs: xs.length,
  median: median(xs),
  best: Math.min(...xs),
  worst: Math.max(...xs),
  budget,
});

/**
 * The web app's 10,000-seat map in Chromium (`npm run bench -- seatmap`), from the timings
 * the app writes to the Performance API: the first seats on screen (`seatmap-render`), all
 * 10,000 in (`seatmap-complete`), over fresh page loads; then live changes (another buyer's
 * holds, pushed over SSE) and the main-thread work of applying each (`seatmap-live-update`).
 */
export async function seatMapBench() {
  if (!existsSync(resolve(WEB_DIST_DIR, 'index.html'))) execFileSync('npm', ['run', 'web:build'], { stdio: 'inherit' });
  const stack = await benchStack();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    const event = await createEvent(stack.db.pool, 50, 200);
    const api = await stack.startApi({ LOG_LEVEL: 'warn' });
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const renders: number[] = [];
    const completes: number[] = [];
    for (let load = 0; load < LOADS; load++) {
      await page.goto(`${api.url}/events/${event.id}`);
      await page.waitForFunction(() => performance.getEntriesByName('seatmap-complete').length > 0, undefined, {
        timeout: 30_000,
      });
      renders.push((await measures(page, 'seatmap-render'))[0]!);
      completes.push((await measures(page, 'seatmap-complete'))[0]!);
    }
    // Ten changes, each another buyer's hold of six seats, seen by the page without a reload.
    for (let change = 0; change < 10; change++) {
      const seats = Array.from({ length: 6 }, (_, i) => 1_000 * change + i);
      await stack.engine.reserveSeats(event.id, `bench-taker-${change}`, seats);
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-status="held"]').length >= n,
        6 * (change + 1),
      );
    }
    const updates = await measures(page, 'seatmap-live-update');
    const rows = [
      spread('first seats on screen (ms)', renders, RENDER_BUDGET_MS),
      spread('all 10,000 seats in (ms)', completes),
      spread('a live change applied (ms of main thread)', updates, UPDATE_BUDGET_MS),
    ];
    console.log('\n## seat map (10,000 seats, Chromium headless)\n');
    for (const r of rows)
      console.log(
        `- ${r.measure}: median ${r.median.toFixed(1)}, best ${r.best.toFixed(1)}, worst ${r.worst.toFixed(1)} over ${r.runs}` +
          (r.budget === '' ? '' : ` (budget ${r.budget})`),
      );
    return {
      rows,
      summary: {
        renderMedianMs: median(renders),
        completeMedianMs: median(completes),
        liveUpdateWorstMs: Math.max(...updates),
      },
    };
  } finally {
    await browser.close();
    await stack.close();
  }
}
