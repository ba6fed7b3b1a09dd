import type { Paths } from './client';

/** Shapes of the API's answers, named for the pages (all from the OpenAPI description). */
type Ok<P extends keyof Paths, M extends 'get' | 'post', S extends number = 200> =
  Paths[P] extends { [K in M]: { responses: { [X in S]: { content: { 'application/json': infer T } } } } } ? T : never;

export type EventSummary = Ok<'/api/events/{id}', 'get'>['event'];
export type Venue = Ok<'/api/venues/{id}', 'get'>['venue'];
export type Hold = Ok<'/api/seats/reserve', 'post', 201>['hold'];
export type Order = Ok<'/api/orders/{id}', 'get'>['order'];
export type Ticket = Ok<'/api/tickets', 'get'>['tickets'][number];
export type Layout = Ok<'/api/events/{id}/layout', 'get'>;
export type Availability = Ok<'/api/events/{id}/availability', 'get'>;
export type Counts = EventSummary['counts'];
export type QueueStanding = Ok<'/api/queue/{eventId}/position', 'get'>;
