import { createHash } from 'node:crypto';
import type { Section } from '../../domain/layout.js';
import { hashPassword } from '../../services/passwords.js';
import { insertUser } from '../../persist/repositories/users.js';
import { findVenue, insertVenue } from '../../persist/repositories/venues.js';
import { progress, type Report } from '../output.js';
import type { Runtime } from '../runtime.js';

/** A stable UUID for a seed name, so seeding twice finds what the first run made. */
function seedId(name: string): string {
  const h = createHash('sha1').update(`ticketing-seed:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** 1,000 seats: 400 on the floor, 400 in the lower tier, 200 in the upper tier. */
const SECTIONS: Section[] = [
  { name: 'Floor', rows: 10, seatsPerRow: 40 },
  { name: 'Lower', rows: 10, seatsPerRow: 40 },
  { name: 'Upper', rows: 5, seatsPerRow: 40 },
];
const PRICES = { Floor: 15_000, Lower: 9_500, Upper: 5_500 };
const VENUES = [
  ['Harbour Arena', 'Lisbon'],
  ['Northern Hall', 'Manchester'],
  ['Riverside Dome', 'Cologne'],
  ['Canal Theatre', 'Amsterdam'],
  ['Summit Stadium', 'Denver'],
] as const;
const ARTISTS = [
  'The Sample Band',
  'Nora Vale',
  'Static Orchard',
  'Kilo & the Bytes',
  'Marla June',
  'Ferro',
  'Blue Lantern',
  'DJ Null',
  'Quartet 9',
  'Hollow Pines',
];
export const SEED_PASSWORD = 'seed-password';

/** Demo data at the platform's local scale: 5 venues in 5 cities, 50 events of 1,000 seats, 100 users. Idempotent. */
export async function seed(rt: Runtime): Promise<Report> {
  const now = Date.now();
  let venuesCreated = 0;
  let eventsCreated = 0;
  let usersCreated = 0;
  for (const [name, city] of VENUES) {
    const id = seedId(`venue:${name}`);
    if (await findVenue(rt.pool, id)) continue;
    await insertVenue(rt.pool, { id, name, address: `1 ${name} Way`, city, sections: SECTIONS });
    venuesCreated++;
  }
  const tick = progress('events', 50);
  for (let i = 0; i < 50; i++) {
    const id = seedId(`event:${i}`);
    if (!(await rt.catalog.findEvent(id))) {
      const [venueName] = VENUES[i % VENUES.length]!;
      const eventDate = new Date(now + (7 + i * 2) * 86_400_000);
      // a third already on sale, the rest opening over the coming weeks; every tenth is high demand
      const onSaleDate = new Date(i % 3 === 0 ? now - 86_400_000 : now + ((i % 5) + 1) * 86_400_000);
      await rt.catalog.createEvent({
        id,
        name: `${ARTISTS[i % ARTISTS.length]} Live #${i + 1}`,
        artist: ARTISTS[i % ARTISTS.length]!,
        venueId: seedId(`venue:${venueName}`),
        sections: SECTIONS,
        eventDate,
        onSaleDate,
        highDemand: i % 10 === 0,
        prices: PRICES,
      });
      eventsCreated++;
    }
    tick(i + 1);
  }
  const hash = await hashPassword(SEED_PASSWORD);
  const userTick = progress('users', 100);
  for (let i = 1; i <= 100; i++) {
    const email = `seed-user-${String(i).padStart(3, '0')}@example.test`;
    if (await insertUser(rt.pool, { id: seedId(`user:${i}`), email, name: `Seed User ${i}`, password_hash: hash }))
      usersCreated++;
    userTick(i);
  }
  const data = {
    venuesCreated,
    eventsCreated,
    usersCreated,
    venues: VENUES.length,
    events: 50,
    users: 100,
    password: SEED_PASSWORD,
  };
  return {
    data,
    text:
      `seeded: ${venuesCreated} venue(s), ${eventsCreated} event(s), ${usersCreated} user(s) created ` +
      `(${VENUES.length} venues, 50 events, 100 users in all; users seed-user-001..100@example.test, password ${SEED_PASSWORD})`,
  };
}
