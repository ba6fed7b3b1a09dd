import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { WEB_DIST_DIR } from '../../src/http/webApp.js';
import { spawnApi, type ApiProcess } from '../support/apiProcess.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/chromium.js';
import { freshDatabase, type TestDatabase } from '../support/postgres.js';

export const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

export interface BrowserStack {
  url: string;
  api: ApiProcess;
  db: TestDatabase;
  browser: Browser;
  /** a fresh browser profile (cookies, storage), as a separate buyer */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  /** what the pages reported as a Content-Security-Policy violation (the app needs none) */
  cspViolations: string[];
  /** saves a full-page PNG named `<n>-<name>.png` in the run's screenshot folder */
  screenshot(page: Page, name: string): Promise<void>;
  /** an API call as a given bearer token (setup that the page under test does not do) */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/** Builds the app if it is missing (npm test always builds it first). */
function ensureBuilt() {
  if (!existsSync(resolve(WEB_DIST_DIR, 'index.html'))) execFileSync('npm', ['run', 'web:build'], { stdio: 'inherit' });
}

/**
 * The real server (`npm start`'s entry point) on its own database and Redis prefix, and one
 * Chromium. Playwright launches it with a fresh temporary user-data-dir; each context() is
 * a separate, empty profile.
 */
export async function startBrowserStack(suite: string): Promise<BrowserStack> {
  ensureBuilt();
  const db = await freshDatabase();
  const api = await spawnApi({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `web${randomUUID().slice(0, 8)}:`,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMITS: 'off',
    PERSISTER: 'embedded',
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const dir = resolve('.data/web-screenshots', `${suite}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  console.log(`browser test screenshots: ${dir}`);
  let shots = 0;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];
  return {
    url: api.url,
    api,
    db,
    browser,
    cspViolations,
    async context(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport, baseURL: api.url });
      context.setDefaultTimeout(10_000);
      context.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      contexts.push(context);
      return context;
    },
    async screenshot(page, name) {
      shots += 1;
      await page.screenshot({ path: resolve(dir, `${String(shots).padStart(2, '0')}-${name}.png`), fullPage: true });
    },
    call(method, path, { token, body, headers = {} } = {}) {
      return fetch(`${api.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      api.child.kill('SIGTERM');
      await api.exited;
      await db.drop();
    },
  };
}

/** Logs in over the API; the bearer token for setup calls. */
export async function tokenFor(stack: BrowserStack, credentials: { email: string; password: string }): Promise<string> {
  const res = await stack.call('POST', '/api/auth/login', { body: credentials });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A new buyer account over the API. */
export async function newBuyer(stack: BrowserStack, name = 'Buyer') {
  const email = `${randomUUID()}@example.test`;
  const password = 'buyer-password-1';
  const res = await stack.call('POST', '/api/auth/register', { body: { email, password, name } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return { email, password, name, token: ((await res.json()) as { token: string }).token };
}
