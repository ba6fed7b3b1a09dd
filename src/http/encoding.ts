import type { Context } from 'hono';

/** Whether the client takes a gzip body (Accept-Encoding names gzip). */
export const acceptsGzip = (c: Context): boolean => /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
