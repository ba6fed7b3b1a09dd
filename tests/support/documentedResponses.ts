import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { expect } from 'vitest';

/** One answer the API gave a test, as it went over the wire. */
export interface Recorded {
  method: string;
  path: string;
  status: number;
  contentType: string;
  /** false for an answer Node's HTTP server gave without asking the app (431 for huge headers) */
  fromApp: boolean;
  body: Promise<string> | undefined;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: unknown;
}

/**
 * Checks answers against the OpenAPI document: each answer to a documented operation has a
 * documented status, a documented media type, and a body valid against that response's schema
 * (JSON Schema 2020-12, formats included). Answers to no operation (an unknown route: 404, a
 * wrong method: 405) are the app's, not an operation's, and are skipped, as are those Node's HTTP
 * server gave before the app saw the request (no X-Request-Id).
 */
export function responseChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  // ajv-formats is CommonJS: its plugin is the module's default export.
  (formats as unknown as typeof formats.default)(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: document.components, paths: document.paths });
  const templates = Object.keys(document.paths)
    .map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
    }))
    .sort((a, b) => b.literals - a.literals);
  const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

  /** The problems with one answer, in words; empty when it is as documented. */
  return async function check(r: Recorded): Promise<string[]> {
    if (!r.fromApp) return [];
    const path = r.path.split('?')[0]!;
    const method = r.method.toLowerCase();
    const match = templates.find((t) => t.regex.test(path) && document.paths[t.template]![method]);
    if (!match) return [];
    const where = `${r.method} ${r.path} -> ${r.status}`;
    const responses = document.paths[match.template]![method]!.responses;
    const response = responses[String(r.status)];
    if (!response)
      return [
        `${where}: status not documented for ${r.method} ${match.template} (documented: ${Object.keys(responses).join(', ')})`,
      ];
    if (!response.content) return [];
    const mediaType = r.contentType.split(';')[0]!.trim().toLowerCase();
    if (!response.content[mediaType])
      return [
        `${where}: media type ${mediaType || '(none)'} not documented (${Object.keys(response.content).join(', ')})`,
      ];
    if (!mediaType.endsWith('json') || r.body === undefined) return [];
    const text = await r.body;
    const validate = ajv.getSchema(
      `openapi.json#/${pointer('paths', match.template, method, 'responses', String(r.status), 'content', mediaType, 'schema')}`,
    )!;
    if (validate(JSON.parse(text))) return [];
    return [
      `${where}: body does not match the document: ${ajv.errorsText(validate.errors)}; body ${text.slice(0, 300)}`,
    ];
  };
}

/** Every recorded answer is as the document says (the problems are listed, not just counted). */
export async function expectDocumented(document: Document, recorded: readonly Recorded[]) {
  const check = responseChecker(document);
  const problems = (await Promise.all(recorded.map(check))).flat();
  expect(problems).toEqual([]);
  return recorded.length;
}

/**
 * The last test of an HTTP test file: every answer the file's tests got through `api.call` is as
 * the app's own /openapi.json documents it.
 */
export async function expectAnswersDocumented(api: { url: string; recorded: readonly Recorded[] }) {
  const document = (await (await fetch(`${api.url}/openapi.json`)).json()) as Document;
  return expectDocumented(document, api.recorded);
}
