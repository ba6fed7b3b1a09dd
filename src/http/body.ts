import type { Context } from 'hono';
import type { z } from 'zod';
import { controlCharacterPath } from './controlCharacters.js';
import { AppError } from './errors.js';

export const MAX_BODY_BYTES = 16 * 1024;
/** One strict UTF-8 decoder for every body (decode() without streaming keeps no state). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body: application/json only (415), at most 16 KiB (413), valid
 * JSON (400), and the strict schema (400, unknown fields included).
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError(413, 'payload_too_large', 'The body is larger than 16 KiB.');
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > MAX_BODY_BYTES) throw new AppError(413, 'payload_too_large', 'The body is larger than 16 KiB.');
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(raw));
  } catch {
    throw new AppError(400, 'malformed_json', 'The body is not valid JSON.');
  }
  return validate(schema, value);
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const controlAt = controlCharacterPath(value);
  if (controlAt !== undefined) {
    throw new AppError(400, 'validation_failed', 'The request is not valid.', {
      errors: [{ path: controlAt, message: 'control characters are not allowed' }],
    });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(400, 'validation_failed', 'The request is not valid.', {
    errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
