import type { Pool } from 'pg';
import { capacityOf, type Section } from '../../domain/layout.js';

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
