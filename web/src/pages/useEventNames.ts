import { useEffect, useState } from 'react';
import { api, ask } from '../api/client';

const known = new Map<string, string>();

/** Event names for pages that list orders or tickets (which carry only the event id). */
export function useEventNames(eventIds: readonly string[]) {
  const [, setLoaded] = useState(0);
  const wanted = [...new Set(eventIds)].filter((id) => !known.has(id)).join(',');
  useEffect(() => {
    if (!wanted) return;
    void Promise.all(
      wanted.split(',').map((id) =>
        ask(api.GET('/api/events/{id}', { params: { path: { id } } })).then(
          (r) => known.set(id, r.event.name),
          () => known.set(id, 'An event'),
        ),
      ),
    ).then(() => setLoaded((n) => n + 1));
  }, [wanted]);
  return (id: string) => known.get(id) ?? '';
}
