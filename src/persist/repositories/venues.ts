import type { Pool } from 'pg';
import { capacityOf, type Section } from '../../domain/layout.js';
import { inTransaction } from '../db.js';

export interface Venue {
  id: string;
  name: string;
  address: string;
  city: string;
  capacity: number;
  sections: Section[];
}

const COLUMNS = 'id, name, address, city, capacity, sections';

export async function insertVenue(pool: Pool, venue: Omit<Venue, 'capacity'>): Promise<Venue> {
  const { rows } = await pool.query<Venue>(
    `INSERT INTO venues (id, name, address, city, sections, capacity) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [venue.id, venue.name, venue.address, venue.city, JSON.stringify(venue.sections), capacityOf(venue.sections)],
  );
  return rows[0]!;
}

export async function findVenue(pool: Pool, id: string): Promise<Venue | undefined> {
  const { rows } = await pool.query<Venue>(`SELECT ${COLUMNS} FROM venues WHERE id = $1`, [id]);
  return rows[0];
}

export async function listVenues(pool: Pool): Promise<Venue[]> {
  const { rows } = await pool.query<Venue>(`SELECT ${COLUMNS} FROM venues ORDER BY name, id`);
  return rows;
}

export interface VenuePatch {
  name?: string | undefined;
  address?: string | undefined;
  city?: string | undefined;
  sections?: Section[] | undefined;
}

export type VenueUpdate =
  { ok: true; venue: Venue; eventIds: string[] } | { ok: false; code: 'not_found' | 'venue_in_use' };

const sameSections = (a: readonly Section[], b: readonly Section[]) =>
  a.length === b.length &&
  a.every((s, i) => s.name === b[i]!.name && s.rows === b[i]!.rows && s.seatsPerRow === b[i]!.seatsPerRow);

/**
 * Changes a venue. Name, address and city may always change; the layout only while no event
 * uses the venue (its events' seats were made from it). The row is locked FOR UPDATE, which
 * waits for an event being created on the venue (it holds the row FOR SHARE), so the check
 * cannot miss one. Returns the ids of the venue's events, whose cached copies name it.
 */
export async function updateVenue(pool: Pool, id: string, patch: VenuePatch): Promise<VenueUpdate> {
  return inTransaction(pool, async (client) => {
    const current = (await client.query<Venue>(`SELECT ${COLUMNS} FROM venues WHERE id = $1 FOR UPDATE`, [id])).rows[0];
    if (!current) return { ok: false, code: 'not_found' };
    const events = await client.query<{ id: string }>('SELECT id FROM events WHERE venue_id = $1', [id]);
    const sections = patch.sections && !sameSections(patch.sections, current.sections) ? patch.sections : undefined;
    if (sections && events.rows.length > 0) return { ok: false, code: 'venue_in_use' };
    const { rows } = await client.query<Venue>(
      `UPDATE venues SET name = coalesce($2, name), address = coalesce($3, address), city = coalesce($4, city),
         sections = coalesce($5, sections), capacity = coalesce($6, capacity)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        patch.name ?? null,
        patch.address ?? null,
        patch.city ?? null,
        sections ? JSON.stringify(sections) : null,
        sections ? capacityOf(sections) : null,
      ],
    );
    return { ok: true, venue: rows[0]!, eventIds: events.rows.map((r) => r.id) };
  });
}
