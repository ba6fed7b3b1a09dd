import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Section } from '../domain/layout.js';
import * as repo from '../persist/repositories/venues.js';
import type { Catalog } from './catalog.js';

export type { Venue } from '../persist/repositories/venues.js';

export const listVenues = (pool: Pool) => repo.listVenues(pool);
export const findVenue = (pool: Pool, id: string) => repo.findVenue(pool, id);

export function createVenue(
  pool: Pool,
  input: { name: string; address?: string | undefined; city: string; sections: Section[] },
) {
  return repo.insertVenue(pool, { id: randomUUID(), ...input, address: input.address ?? '' });
}

export type VenueChange = { ok: true; venue: repo.Venue } | { ok: false; code: 'not_found' | 'venue_in_use' };

/**
 * Changes a venue (its sections only while no event uses it) and drops the cached copies of its
 * events, which carry its name and city.
 */
export async function changeVenue(
  deps: { pool: Pool; catalog: Pick<Catalog, 'invalidate'> },
  id: string,
  patch: repo.VenuePatch,
): Promise<VenueChange> {
  const result = await repo.updateVenue(deps.pool, id, patch);
  if (!result.ok) return result;
  await Promise.all(result.eventIds.map((eventId) => deps.catalog.invalidate(eventId)));
  return { ok: true, venue: result.venue };
}
