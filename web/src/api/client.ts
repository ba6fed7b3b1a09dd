import createClient from 'openapi-fetch';
import type { components, paths as Documented } from './schema.gen';

/** The API as its OpenAPI document describes it. */
export type Paths = Documented;
export type Problem = components['schemas']['Problem'];

export const api = createClient<Paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

/** An answer the buyer should read: the problem's `detail`, in words. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly problem: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const FALLBACK: Record<number, string> = {
  401: 'Please log in first.',
  403: 'You are not allowed to do that.',
  404: 'We could not find that.',
  429: 'Too many requests: please wait a moment and try again.',
  503: 'The service is busy right now: please try again in a moment.',
};

export function problemError(response: Response, body: unknown): ApiError {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const detail = typeof problem.detail === 'string' && problem.detail ? problem.detail : undefined;
  const code = typeof problem.code === 'string' ? problem.code : `http_${response.status}`;
  const message =
    detail ?? FALLBACK[response.status] ?? `Something went wrong (error ${response.status}). Please try again.`;
  return new ApiError(message, response.status, code, problem);
}

export const networkError = () =>
  new ApiError('We could not reach the server. Check your connection and try again.', 0, 'network_error');

type Result = { data?: unknown; error?: unknown; response: Response };

/** Awaits an openapi-fetch call: its data on success, else an ApiError carrying the problem's detail. */
export async function ask<R extends Result>(request: Promise<R>): Promise<Exclude<R['data'], undefined>> {
  let result: R;
  try {
    result = await request;
  } catch {
    throw networkError();
  }
  if (!result.response.ok) throw problemError(result.response, result.error);
  return result.data as Exclude<R['data'], undefined>;
}

export const messageOf = (err: unknown) =>
  err instanceof ApiError ? err.message : 'Something unexpected went wrong. Please reload the page.';
