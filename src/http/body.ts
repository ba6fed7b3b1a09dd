import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './appDeps.js';
import { controlCharacterPath } from './controlCharacters.js';
import { AppError } from './errors.js';

export const MAX_BODY_BYTES = 16 * 1024;
/** One strict UTF-8 decoder for every body (decode() without streaming keeps no state). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON request body, before its route's schema: application/json only (415), at most 16 KiB
 * (413), valid UTF-8 JSON (400 malformed_json) without control characters (400
 * validation_failed). The operation's route middleware then checks its strict schema (400,
 * unknown fields included).
 */
export async function readJsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as application/json.');
  }
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const raw = await bodyBytes(c);
  if (raw === undefined || raw.byteLength > MAX_BODY_BYTES) throw tooLarge();
  let text: string;
  let value: unknown;
  try {
    text = UTF8.decode(raw);
    value = JSON.parse(text);
  } catch {
    throw new AppError(400, 'malformed_json', 'The body is not valid JSON.');
  }
  const controlAt = controlCharacterPath(value);
  if (controlAt !== undefined) {
    throw new AppError(400, 'validation_failed', 'The request is not valid.', {
      errors: [{ path: controlAt, message: 'control characters are not allowed' }],
    });
  }
  return value;
}

/**
 * 413, and the connection closes after it: what the client still sends is never read (kept
 * alive, Node would read and discard the rest of the body, however long, before the next request).
 */
const tooLarge = () =>
  new AppError(413, 'payload_too_large', 'The body is larger than 16 KiB.', {}, { Connection: 'close' });

/**
 * The body's bytes, from Node's request when the server is Node's (read as it arrives, and
 * no further than the limit: undefined once it is over), else from the web Request.
 * `c.req.arrayBuffer()` has @hono/node-server build a web Request with a stream for its
 * body, which costs each POST more than reading it (docs/performance.md).
 */
function bodyBytes(c: Context<AppEnv>): Promise<Uint8Array | undefined> {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming || incoming.readableDidRead) return c.req.arrayBuffer().then((b) => new Uint8Array(b));
  return readUpToLimit(incoming);
}

/** A chunked body declares no length: reading stops as soon as it passes the limit. */
function readUpToLimit(incoming: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY_BYTES) return void chunks.push(chunk);
      incoming.off('data', onData);
      incoming.pause();
      resolve(undefined);
    };
    incoming.on('data', onData);
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    incoming.once('error', reject);
    // a client that goes away mid-body: the request ends here (its socket is gone)
    incoming.once('close', () => {
      if (!incoming.complete) reject(new Error('the request body was cut off'));
    });
  });
}

/** A request that does not fit its schema: 400 validation_failed, one entry per issue. */
export function validationFailed(issues: readonly z.core.$ZodIssue[]): AppError {
  return new AppError(400, 'validation_failed', 'The request is not valid.', {
    errors: issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
