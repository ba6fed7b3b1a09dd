import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newBuyer, startBrowserStack, tokenFor, type BrowserStack } from './browserStack.js';

let stack: BrowserStack;
let adminToken: string;
beforeAll(async () => {
  stack = await startBrowserStack('journeys');
  adminToken = await tokenFor(stack, ADMIN);
});
afterAll(() => stack?.close());

const seat = (page: Page, section: string, row: number, number: number) =>
  page.getByRole('button', { name: `Section ${section}, row ${row}, seat ${number}`, exact: true });

async function createEvent(options: {
  name: string;
  sections: { name: string; rows: number; seatsPerRow: number }[];
  highDemand?: boolean;
  queue?: { rate: number; capacity: number };
}) {
  const venueRes = await stack.call('POST', '/api/venues', {
    token: adminToken,
    body: { name: `${options.name} Hall`, city: 'Testville', sections: options.sections },
  });
  const { venue } = (await venueRes.json()) as { venue: { id: string } };
  const res = await stack.call('POST', '/api/events', {
    token: adminToken,
    body: {
      name: options.name,
      artist: 'The Testers',
      venueId: venue.id,
      eventDate: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      onSaleDate: new Date(Date.now() - 60_000).toISOString(),
      prices: Object.fromEntries(options.sections.map((s) => [s.name, 5_000])),
      ...(options.highDemand
        ? {
            highDemand: true,
            queueRatePerSecond: options.queue?.rate ?? 1,
            queueCapacity: options.queue?.capacity ?? 1,
          }
        : {}),
    },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { event: { id: string } }).event.id;
}

describe('the web app in Chromium, against the real server', () => {
  it('a buyer on a phone registers, finds the event, picks seats by touch and keyboard, is declined, pays, and sees the order', async () => {
    const context = await stack.context({ width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Sample Night', exact: true }).waitFor();
    await stack.screenshot(page, 'events');

    await page.getByRole('link', { name: 'Register' }).click();
    const email = `buyer-${Date.now()}@example.test`;
    await page.getByLabel('Name').fill('Phone Buyer');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('phone-password-1');
    await stack.screenshot(page, 'register');
    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    await page.getByRole('button', { name: 'Log out', exact: true }).waitFor();

    await page.getByLabel('Search').fill('Sample');
    await page.getByLabel('Search').press('Enter');
    await page.waitForURL(/\?q=Sample/);
    await page.getByRole('link', { name: 'Sample Night', exact: true }).click();

    await seat(page, 'Floor', 1, 10).click();
    expect(await seat(page, 'Floor', 1, 10).getAttribute('aria-pressed')).toBe('true');
    // the keyboard: from the picked seat, one to the right, and pick it
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await seat(page, 'Floor', 1, 11).getAttribute('aria-pressed')).toBe('true');
    await page.getByText('2 of 6 seats · Total $250.00').waitFor();
    await stack.screenshot(page, 'event-selected');

    await page.getByRole('button', { name: 'Reserve', exact: true }).click();
    const timer = page.getByRole('timer');
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/^(10:00|9:5\d)$/);
    await expect.poll(() => seat(page, 'Floor', 1, 11).getAttribute('data-status')).toBe('held');
    const secondsLeft = async () => {
      const [minutes, seconds] = (await timer.textContent())!.split(':').map(Number);
      return minutes! * 60 + seconds!;
    };
    const before = await secondsLeft();
    await page.getByRole('button', { name: 'Extend hold', exact: true }).click();
    await expect.poll(secondsLeft).toBeGreaterThanOrEqual(before + 290);

    await page.getByRole('button', { name: 'Check out', exact: true }).click();
    const token = page.getByLabel('Card token');
    expect(await token.inputValue()).toBe('tok_visa');
    await token.fill('tok_declined');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'The card was declined; your seats are still held.' }).waitFor();
    await stack.screenshot(page, 'declined');

    // The first successful answer is lost on the way back: the page retries with the same key.
    const keys: string[] = [];
    await page.route('**/api/checkout', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 1) return route.continue();
      const answered = await route.fetch();
      expect(answered.status()).toBe(201);
      await route.abort('connectionreset');
    });
    await token.fill('tok_visa');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    const orderId = await page.locator('[data-order-id]').getAttribute('data-order-id');
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
    expect(page.url()).toBe(`${stack.url}/orders/${orderId}?new=1`);
    await stack.screenshot(page, 'confirmation');
    const check = await page.request.get(`/api/orders/${orderId}`);
    expect(((await check.json()) as { order: { status: string; items: unknown[] } }).order).toMatchObject({
      status: 'completed',
      items: [
        { row: '1', number: '10' },
        { row: '1', number: '11' },
      ],
    });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    const orders = ((await (await page.request.get('/api/orders')).json()) as { orders: { id: string }[] }).orders;
    expect(orders.map((o) => o.id)).toEqual([orderId]);

    await page.getByRole('link', { name: 'My tickets' }).click();
    const qr = page.getByRole('img', { name: 'Ticket QR code', exact: true });
    await expect.poll(() => qr.count()).toBe(2);
    await stack.screenshot(page, 'tickets');
    const friend = await newBuyer(stack, 'Friend');
    await page.getByRole('button', { name: 'Transfer', exact: true }).first().click();
    await page.getByLabel('Recipient email').fill(friend.email);
    await page.getByRole('button', { name: 'Send ticket', exact: true }).click();
    await page.getByText(`Ticket sent to ${friend.email}.`, { exact: false }).waitFor();
    expect(await qr.count()).toBe(1);
    const received = (await (await stack.call('GET', '/api/tickets', { token: friend.token })).json()) as {
      tickets: { orderId: string }[];
    };
    expect(received.tickets.map((t) => t.orderId)).toEqual([orderId]);

    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('button', { name: 'Refund', exact: true }).waitFor();
    await stack.screenshot(page, 'orders');

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    expect((await page.request.get('/api/auth/me')).status()).toBe(401);
  });

  it("a buyer sees another buyer's hold appear on the map within a second, without reloading", async () => {
    const eventId = await createEvent({ name: 'Two Browsers', sections: [{ name: 'A', rows: 5, seatsPerRow: 10 }] });
    const pages: Page[] = [];
    for (const name of ['Watcher', 'Taker']) {
      const buyer = await newBuyer(stack, name);
      const context = await stack.context();
      await context.addCookies([{ name: 'sid', value: buyer.token, url: stack.url }]);
      const page = await context.newPage();
      await page.goto(`/events/${eventId}`);
      await seat(page, 'A', 3, 5).waitFor();
      pages.push(page);
    }
    const [watcher, taker] = pages as [Page, Page];
    expect(await seat(watcher, 'A', 3, 5).getAttribute('data-status')).toBe('available');
    await seat(taker, 'A', 3, 5).click();
    await taker.getByRole('button', { name: 'Reserve', exact: true }).click();
    await taker.getByRole('timer').waitFor();
    const started = Date.now();
    await watcher.locator('[aria-label="Section A, row 3, seat 5"][data-status="held"]').waitFor({ timeout: 1_500 });
    const seenAfterMs = Date.now() - started;
    console.log(`another buyer's hold appeared after ${seenAfterMs} ms`);
    expect(seenAfterMs).toBeLessThan(1_000);
    await stack.screenshot(watcher, 'live-hold-seen');

    // Best available: two adjacent seats in one row, which the taker sees held in turn
    await watcher.getByRole('button', { name: 'Best available', exact: true }).click();
    await watcher.getByRole('timer').waitFor();
    const mine = await watcher
      .locator('button.seat[data-mine="true"]')
      .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    expect(mine).toHaveLength(2);
    const [first, second] = mine.map((label) =>
      /^Section A, row (\d+), seat (\d+)$/.exec(label!)!.slice(1).map(Number),
    ) as [number[], number[]];
    expect(second[0]).toBe(first[0]);
    expect(Math.abs(second[1]! - first[1]!)).toBe(1);
    for (const label of mine)
      await taker.locator(`[aria-label="${label}"][data-status="held"]`).waitFor({ timeout: 1_500 });
  });

  it('the waiting room shows the place and the wait, then opens the seat map by itself once admitted', async () => {
    const eventId = await createEvent({
      name: 'Hot Show',
      sections: [{ name: 'A', rows: 2, seatsPerRow: 10 }],
      highDemand: true,
      queue: { rate: 5, capacity: 1 },
    });
    const first = await newBuyer(stack, 'First');
    await stack.call('POST', `/api/queue/${eventId}/join`, { token: first.token });
    await expect
      .poll(
        async () =>
          (
            (await (await stack.call('GET', `/api/queue/${eventId}/status`, { token: first.token })).json()) as {
              status: string;
            }
          ).status,
        { timeout: 5_000 },
      )
      .toBe('admitted');

    const buyer = await newBuyer(stack, 'Second');
    const context = await stack.context();
    await context.addCookies([{ name: 'sid', value: buyer.token, url: stack.url }]);
    const page = await context.newPage();
    await page.goto(`/events/${eventId}`);
    const status = page.getByRole('status').filter({ hasText: 'in line' });
    await status.waitFor();
    expect(await status.textContent()).toMatch(
      /^You are number 1 in line \(1 waiting\)\. Estimated wait: about \d+ seconds?\.$/,
    );
    await stack.screenshot(page, 'waiting-room');

    // the buyer ahead gives up the admission: the next one is let in, and the page moves on
    await stack.call('POST', `/api/queue/${eventId}/leave`, { token: first.token });
    await seat(page, 'A', 1, 1).waitFor({ timeout: 10_000 });
    await stack.screenshot(page, 'admitted');
  });

  it('an admin creates a venue and an event in the admin area, and buyers find it', async () => {
    const context = await stack.context();
    const page = await context.newPage();
    await page.goto('/login?next=/admin');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await stack.screenshot(page, 'login');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/admin$/);

    await page.getByLabel('Venue name').fill('Harbor Hall');
    await page.getByLabel('City', { exact: true }).fill('Port Town');
    await page.getByLabel('Section name', { exact: true }).fill('Stalls');
    await page.getByLabel('Rows', { exact: true }).fill('4');
    await page.getByLabel('Seats per row', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Create venue' }).click();
    await page.getByText('Venue Harbor Hall created with 48 seats.').waitFor();

    await page.getByLabel('Event name', { exact: true }).fill('Harbor Lights');
    await page.getByLabel('Artist', { exact: true }).fill('The Lanterns');
    await page.getByLabel('Venue', { exact: true }).selectOption({ label: 'Harbor Hall, Port Town' });
    await page.getByLabel('Event date').fill('2030-06-01T20:00');
    await page.getByLabel('On-sale date').fill('2026-01-01T10:00');
    await page.getByLabel('Price for Stalls (USD)').fill('42.50');
    await page.getByRole('button', { name: 'Create event' }).click();
    await page.getByText('Event Harbor Lights created: 48 seats.').waitFor();
    await page.getByRole('button', { name: 'Stats for Harbor Lights' }).click();
    await page.getByText('Revenue').waitFor();
    await stack.screenshot(page, 'admin');

    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.getByLabel('Search').fill('Harbor');
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('link', { name: 'Harbor Lights', exact: true }).click();
    await seat(page, 'Stalls', 4, 12).waitFor();
    expect(await page.getByText('$42.50').first().textContent()).toContain('$42.50');

    await page.goto('/admin');
    await page.getByRole('button', { name: 'Cancel event Harbor Lights' }).click();
    await page.getByRole('button', { name: 'Yes, cancel and refund everyone' }).click();
    await page.getByText('Cancelled; 0 orders refunded.').waitFor();
  });

  it('an API user reads /docs: Swagger UI shows every operation of /openapi.json, with nothing fetched from elsewhere', async () => {
    const context = await stack.context();
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(stack.url) && !request.url().startsWith('data:')) elsewhere.push(request.url());
    });
    await page.goto('/docs');
    await page.getByText('Ticketing API').first().waitFor();
    await page.getByText('reserveSeats', { exact: true }).waitFor();
    const document = (await (await stack.call('GET', '/openapi.json')).json()) as { paths: Record<string, object> };
    const operations = Object.values(document.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
    await stack.screenshot(page, 'docs');
    expect(elsewhere).toEqual([]);
  });

  it('runs every page above within its Content-Security-Policy (no violation reported)', () => {
    expect(stack.cspViolations).toEqual([]);
  });
});
