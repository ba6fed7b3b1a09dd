import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AppEnv } from './appDeps.js';

/** Where `npm run web:build` writes the app (web/dist). */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Paths that belong to the API and its operators, never to the web app. */
const API_PATH = /^\/(?:api|metrics|openapi\.json|docs|healthz|readyz)(?:\/|$)/;

/** Vite names built assets `<name>-<hash>.<ext>`: their content never changes under one name. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.webmanifest', '.txt']);

/**
 * Exactly what the app needs: its own scripts, styles and images (ticket QR codes come from
 * /api as images), fetch and EventSource to its own origin. No inline script, no eval.
 */
export const WEB_APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
}

/**
 * Serves the built web app for every GET/HEAD outside the API: files from the build, hashed
 * assets cached for a year, and index.html for any other path (the app routes in the browser).
 * A middleware, not a route, so that the API's 404/405 answers stay as they are.
 */
export function serveWebApp(dir: string = WEB_DIST_DIR): MiddlewareHandler<AppEnv> {
  const root = resolve(dir);
  const cache = new Map<string, StaticFile>();

  async function load(path: string, cacheable: boolean): Promise<StaticFile | undefined> {
    const hit = cache.get(path);
    if (hit) return hit;
    const file = resolve(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const body = await readFile(file);
    const ext = extname(file);
    const loaded = {
      body,
      gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : undefined,
      type: TYPES[ext] ?? 'application/octet-stream',
    };
    if (cacheable) cache.set(path, loaded);
    return loaded;
  }

  // API requests pass straight through (not an async step: every one costs each request).
  return (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    if ((method !== 'GET' && method !== 'HEAD') || API_PATH.test(path)) return next();
    return serveFile(c, next);
  };

  async function serveFile(c: Context<AppEnv>, next: Next) {
    const method = c.req.method;
    const path = c.req.path;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return next();
    }
    const hashed = HASHED_ASSET.test(decoded);
    const asset = decoded !== '/' && !decoded.endsWith('/') ? await load(decoded, hashed) : undefined;
    // A missing file that looks like one (/assets/old.js, /favicon.ico) is a 404, not the page.
    if (!asset && (decoded.startsWith('/assets/') || extname(decoded) !== '')) return next();
    const file = asset ?? (await load('/index.html', false));
    if (!file) {
      return c.text(
        'The web app is not built yet: run `npm run web:build` (npm start does it when it is missing).',
        503,
        {
          'Retry-After': '5',
        },
      );
    }
    c.header('Content-Security-Policy', WEB_APP_CSP);
    c.header('Cache-Control', hashed && asset ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Content-Type', file.type);
    c.header('Vary', 'Accept-Encoding');
    const gzip = file.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '') ? file.gzip : undefined;
    if (gzip) c.header('Content-Encoding', 'gzip');
    const body = gzip ?? file.body;
    c.header('Content-Length', String(body.length));
    return method === 'HEAD' ? c.body(null, 200) : c.body(new Uint8Array(body), 200);
  }
}
