import type { components } from './schema.gen';

/** Shapes of the API's answers: the named components of its OpenAPI description. */
type Schemas = components['schemas'];

export type EventSummary = Schemas['Event'];
export type Venue = Schemas['Venue'];
export type Hold = Schemas['Hold']['hold'];
export type Order = Schemas['Order'];
export type Ticket = Schemas['Ticket'];
export type Layout = Schemas['Layout'];
export type Availability = Schemas['Availability'];
export type Counts = Schemas['SeatCounts'];
export type QueueStanding = Schemas['QueueStanding'];
export type EventStats = Schemas['EventStats'];
export type User = Schemas['User'];
