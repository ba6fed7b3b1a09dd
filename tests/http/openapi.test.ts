import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_CSP } from '../../src/http/docs.js';
import { startApi, type ApiFixture } from '../support/api.js';
import { expectAnswersDocumented } from '../support/documentedResponses.js';
import { engineFixture } from '../support/engine.js';
import { expectProblem } from '../support/responses.js';
import { seedEvent } from '../support/world.js';

/** /openapi.json is generated from the route definitions; /docs shows it, from this server alone. */

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}
interface Document {
  openapi: string;
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<
      string,
      { example?: unknown; properties?: Record<string, { maximum?: number; maxItems?: number }> }
    >;
  };
}

let api: ApiFixture;
let doc: Document;
beforeAll(async () => {
  api = await startApi();
  doc = await (await api.call('GET', '/openapi.json')).json();
});
afterAll(() => api.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
const refName = (schema: { $ref?: string } | undefined) => schema?.$ref?.replace('#/components/schemas/', '');

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('gives every operation a unique operationId, one declared tag and a summary', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t) => t.name));
    for (const { path, method, op } of operations()) {
      expect(op.tags?.length, `${method} ${path}`).toBe(1);
      expect(tags.has(op.tags![0]!), `${method} ${path}`).toBe(true);
      expect(op.summary, `${method} ${path}`).toBeTruthy();
    }
  });

  it('names its schemas as components: request bodies and problems by reference, with examples', () => {
    for (const { path, method, op } of operations()) {
      const body = op.requestBody?.content['application/json']?.schema;
      if (body) expect(doc.components.schemas[refName(body)!]?.example, `${method} ${path} body`).toBeDefined();
      for (const [status, response] of Object.entries(op.responses)) {
        // every error is a problem, but for readiness, whose 503 says which store is missing
        if (Number(status) >= 400 && path !== '/readyz') {
          expect(refName(response.content?.['application/problem+json']?.schema), `${method} ${path} ${status}`).toBe(
            'Problem',
          );
        }
      }
      if (path.startsWith('/api/')) expect(Object.keys(op.responses), `${method} ${path}`).toContain('429');
      if (op.requestBody)
        expect(Object.keys(op.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '413', '415']));
      if (op.security) expect(Object.keys(op.responses), `${method} ${path}`).toContain('401');
    }
    for (const name of ['Event', 'Venue', 'Hold', 'Order', 'Ticket', 'SeatMap', 'Problem', 'User', 'QueueStanding']) {
      expect(doc.components.schemas[name]?.example, name).toBeDefined();
    }
  });

  it("every component's example is valid against the component itself", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (formats as unknown as typeof formats.default)(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const wrong = Object.entries(doc.components.schemas)
      .filter(([, schema]) => schema.example !== undefined)
      .filter(([name, schema]) => !ajv.validate({ $ref: `doc#/components/schemas/${name}` }, schema.example))
      .map(([name]) => `${name}: ${ajv.errorsText()}`);
    expect(wrong).toEqual([]);
  });

  it('a request that fails its schema still gets the one validation_failed problem, with every issue', async () => {
    const user = await api.user();
    const res = await api.call('POST', '/api/seats/reserve', {
      token: user.token,
      body: { eventId: 'x', seatIds: [], extra: 1 },
    });
    const problem = await expectProblem(res, 400, 'validation_failed');
    expect(problem.detail).toBe('The request is not valid.');
    expect((problem.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['', 'eventId', 'seatIds']);
    // the role is checked before the body: no session, a 401 whatever the body
    await expectProblem(
      await api.call('POST', '/api/seats/reserve', { body: { nonsense: true } }),
      401,
      'unauthenticated',
    );
    await expectProblem(await api.call('GET', '/api/events?limit=500'), 400, 'validation_failed');
    // a query parameter given twice is refused (it used to be the first one's value)
    await expectProblem(await api.call('GET', '/api/events?limit=5&limit=6'), 400, 'validation_failed');
  });
});

describe('/docs', () => {
  it('serves Swagger UI with its own CSP, every script and style from this server', async () => {
    const res = await api.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(DOCS_CSP).toContain("script-src 'self';");
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBe(3);
    for (const url of urls) {
      expect(url.startsWith('/docs/assets/'), url).toBe(true);
      const asset = await api.call('GET', url);
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get('content-type'), url).toMatch(/^text\/(css|javascript)/);
      expect((await asset.text()).length, url).toBeGreaterThan(100);
    }
    expect(html).not.toMatch(/<script>/);
    const start = await (await api.call('GET', '/docs/assets/start.js')).text();
    expect(start).toContain("url: '/openapi.json'");
    expect(start).toContain('validatorUrl: null');
    expect((await api.call('GET', '/docs/assets/nothing.js')).status).toBe(404);
  });
});

describe('seat limits in the document and in validation', () => {
  it('reserve and best available take the configured MAX_SEATS_PER_HOLD, not a fixed 6', async () => {
    const small = await startApi({ fx: engineFixture({ maxSeatsPerCall: 3, maxSeatsPerUser: 3 }) });
    try {
      const smallDoc: Document = await (await small.call('GET', '/openapi.json')).json();
      expect(smallDoc.components.schemas.BestSeatsRequest!.properties!.quantity!.maximum).toBe(3);
      expect(smallDoc.components.schemas.SeatRequest!.properties!.seatIds!.maxItems).toBe(3);
      expect(doc.components.schemas.BestSeatsRequest!.properties!.quantity!.maximum).toBe(6);
      const world = await seedEvent(small.db.pool, small.fx.engine, { rows: 1, seatsPerRow: 10 });
      const user = await small.user();
      const tooMany = await small.call('POST', '/api/seats/best', {
        token: user.token,
        body: { eventId: world.eventId, quantity: 4 },
      });
      const problem = await expectProblem(tooMany, 400, 'validation_failed');
      expect(problem.errors).toEqual([expect.objectContaining({ path: 'quantity' })]);
      expect(
        (
          await small.call('POST', '/api/seats/best', {
            token: user.token,
            body: { eventId: world.eventId, quantity: 3 },
          })
        ).status,
      ).toBe(201);
    } finally {
      await small.close();
    }
  });
});

it('every answer in this file has a documented status, media type and body', async () => {
  await expectAnswersDocumented(api);
});
