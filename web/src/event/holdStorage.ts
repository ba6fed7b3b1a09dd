import type { Hold } from '../api/types';

/** The buyer's hold survives a reload of the page (the API has it; the page only remembers it). */
const key = (eventId: string) => `hold:${eventId}`;

export function rememberedHold(eventId: string): Hold | undefined {
  try {
    const hold = JSON.parse(sessionStorage.getItem(key(eventId)) ?? 'null') as Hold | null;
    return hold && Date.parse(hold.expiresAt) > Date.now() ? hold : undefined;
  } catch {
    return undefined;
  }
}

export function rememberHold(eventId: string, hold: Hold | undefined) {
  if (hold) sessionStorage.setItem(key(eventId), JSON.stringify(hold));
  else sessionStorage.removeItem(key(eventId));
}
