import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './appDeps.js';
import { ApiRoutes, operation, preserialised } from './openapi.js';

/**
 * Swagger UI at /docs, entirely from this server: the page, swagger-ui-dist's script and styles
 * (served from node_modules under a versioned path) and a small start script, so it works where the
 * browser reaches no CDN, under a CSP of its own (no inline script; Swagger UI sets inline styles).
 */
const require = createRequire(import.meta.url);
const DIST = dirname(require.resolve('swagger-ui-dist/package.json'));
const VERSION = (require('swagger-ui-dist/package.json') as { version: string }).version;
const ASSETS = '/docs/assets';

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const START = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, displayOperationId: true, validatorUrl: null,
  });
});
`;

const page = swaggerUI({
  url: '/openapi.json',
  title: 'Ticketing API',
  baseUrl: ASSETS,
  version: VERSION,
  manuallySwaggerUIHtml: (asset) =>
    [
      '<div id="swagger-ui"></div>',
      ...asset.css.map((href) => `<link rel="stylesheet" href="${href}" />`),
      ...asset.js.map((src) => `<script src="${src}"></script>`),
      `<script src="${ASSETS}/start.js"></script>`,
    ].join('\n'),
});

const docsPage = operation(
  { operationId: 'docs', tag: 'Operations', rateLimited: false },
  {
    method: 'get',
    path: '/docs',
    summary: 'This API, readable and tryable (Swagger UI)',
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
  },
);

/** The files under /docs/assets: Swagger UI's own (immutable under their versioned path) and the start script. */
function docsAssets(): MiddlewareHandler<AppEnv> {
  const files: Record<string, { file?: string; text?: string; type: string }> = {
    [`${ASSETS}/swagger-ui-dist@${VERSION}/swagger-ui.css`]: {
      file: 'swagger-ui.css',
      type: 'text/css; charset=utf-8',
    },
    [`${ASSETS}/swagger-ui-dist@${VERSION}/swagger-ui-bundle.js`]: {
      file: 'swagger-ui-bundle.js',
      type: 'text/javascript; charset=utf-8',
    },
    [`${ASSETS}/start.js`]: { text: START, type: 'text/javascript; charset=utf-8' },
  };
  const loaded = new Map<string, Buffer>();
  return async (c, next) => {
    const asset = files[c.req.path];
    if (!asset || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return next();
    let body = loaded.get(c.req.path);
    if (!body) {
      body = asset.file ? await readFile(join(DIST, asset.file)) : Buffer.from(asset.text!);
      loaded.set(c.req.path, body);
    }
    c.header('Cache-Control', asset.file ? 'public, max-age=31536000, immutable' : 'no-cache');
    c.header('Content-Type', asset.type);
    return c.req.method === 'HEAD' ? c.body(null, 200) : c.body(new Uint8Array(body), 200);
  };
}

export function docsRoutes() {
  const app = new ApiRoutes();
  app.use(`${ASSETS}/*`, docsAssets());
  app.openapi(docsPage, async (c) => {
    c.header('Content-Security-Policy', DOCS_CSP);
    c.header('Cache-Control', 'no-cache');
    return preserialised((await page(c as unknown as Parameters<typeof page>[0], async () => {}))!);
  });
  return app;
}
