const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

export const formatCents = (cents: number) => money.format(cents / 100);
export const formatDate = (iso: string) => date.format(new Date(iso));
/** "4:05" for 245 seconds. */
export const formatCountdown = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.max(0, seconds) % 60).padStart(2, '0')}`;
export function formatWait(seconds: number) {
  if (seconds >= 90) return `about ${Math.round(seconds / 60)} minutes`;
  const s = Math.max(1, Math.round(seconds));
  return `about ${s} second${s === 1 ? '' : 's'}`;
}
/** A datetime-local input's value as an ISO instant (the input is in the viewer's time zone). */
export const localInputToIso = (value: string) => new Date(value).toISOString();
