import { expect } from 'vitest';
import type { z } from 'zod';
import { problemSchema } from '../../src/http/schemas.js';

/** The response has this status, and its body parses with `schema` (the parsed body is returned). */
export async function expectBody<S extends z.ZodType>(res: Response, status: number, schema: S): Promise<z.infer<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

/** The response is an RFC 9457 problem with this status and code. */
export async function expectProblem(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = problemSchema.parse(JSON.parse(text));
  expect(body.code).toBe(code);
  return body;
}
