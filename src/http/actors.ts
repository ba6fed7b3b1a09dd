import type { AppDeps } from './appDeps.js';
import { uuid } from './schemas.js';
import { notFound, unavailable } from './errors.js';

/**
 * Refusals that say the actor must be loaded from Postgres, not that the request is wrong:
 * Redis lost the actor, or it was loaded before it knew its sales end.
 */
export const actorNeedsLoad = (code: string): boolean => code === 'event_not_found' || code === 'actor_outdated';

/**
 * The engine refused an event it does not know (or knows from an older release): either the event does not exist (404) or
 * Redis lost its actor, which is then rebuilt from Postgres while the client retries (503).
 */
export async function missingActor(deps: AppDeps, eventId: string): Promise<never> {
  if (!(await deps.catalog.findEvent(eventId))) throw notFound('event');
  await deps.catalog.ensureActor(eventId);
  throw unavailable('The event is being restored; retry in a moment.');
}

/** The event a path names, or 404 (a malformed id is simply an unknown event). */
export async function knownEvent(deps: AppDeps, idParam: string) {
  const id = uuid.safeParse(idParam);
  const row = id.success ? await deps.catalog.findEvent(id.data) : undefined;
  if (!row) throw notFound('event');
  return row;
}
