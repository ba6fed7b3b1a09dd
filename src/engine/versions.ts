/**
 * Where a new actor's versions start. An actor's version counts its changes from 1; ETags of
 * its availability, the seat map's render cache and `/live`'s Last-Event-ID name versions.
 * An actor rebuilt from Postgres (dropped by a repair, or lost by Redis) must therefore not
 * give out a version an earlier actor of the event gave out: a client's ETag from before
 * would match a different state. So a new actor starts above a floor taken from the clock,
 * 100 versions per millisecond since 2024: an earlier actor could only have reached it by
 * averaging 100,000 changes a second over its whole life, three times what one Redis core
 * runs scripts at. A repair also passes the dropped actor's own version, for a rebuild within
 * the same millisecond or by a process whose clock is behind.
 *
 * Versions stay below 10^14 (until 2055), so they stay exact where Lua writes a number as
 * text (`%.14g`: the change messages of lua/includes/commitChange.lua).
 */
const EPOCH_MS = Date.UTC(2024, 0, 1);
const VERSIONS_PER_MS = 100;

/** The floor of a new actor's versions at `nowMs` (its first version is this + 1), above `after` if given. */
export function versionFloor(nowMs: number, after = 0): number {
  return Math.max(Math.floor(nowMs - EPOCH_MS) * VERSIONS_PER_MS, after, 0);
}
