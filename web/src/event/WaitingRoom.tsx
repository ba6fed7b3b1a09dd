import { useEffect, useState } from 'react';
import { api, ask, messageOf } from '../api/client';
import type { QueueStanding } from '../api/types';
import { Alert } from '../Alert';
import { formatWait } from '../format';

const POLL_MS = 1500;

/** The line before a high-demand event's seat map: joins, shows the place, and moves on once admitted. */
export function WaitingRoom({ eventId, onAdmitted }: { eventId: string; onAdmitted(): void }) {
  const [standing, setStanding] = useState<QueueStanding | undefined>();
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const path = { params: { path: { eventId } } };
    const follow = (next: QueueStanding) => {
      if (stopped) return;
      setStanding(next);
      setError(undefined);
      if (next.status === 'admitted') onAdmitted();
      else if (next.status === 'waiting') timer = setTimeout(poll, POLL_MS);
    };
    const fail = (err: unknown) => {
      if (stopped) return;
      setError(messageOf(err));
      timer = setTimeout(poll, POLL_MS * 2);
    };
    const poll = () => void ask(api.GET('/api/queue/{eventId}/position', path)).then(follow, fail);
    void ask(api.POST('/api/queue/{eventId}/join', path)).then(follow, fail);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [eventId, onAdmitted, attempt]);

  return (
    <section className="panel waiting-room" aria-labelledby="waiting-room-title">
      <h2 id="waiting-room-title">Waiting room</h2>
      <p>
        This event is in high demand. Buyers are let in a few at a time, in the order they arrived; keep this page open.
      </p>
      <div role="status" className="queue-status">
        {!standing && 'Joining the line…'}
        {standing?.status === 'waiting' &&
          `You are number ${standing.position} in line (${standing.queueLength} waiting). Estimated wait: ${formatWait(standing.estimatedWaitSeconds)}.`}
        {standing?.status === 'admitted' && 'It is your turn: opening the seat map…'}
        {(standing?.status === 'expired' || standing?.status === 'not_queued') && 'Your place in line has lapsed.'}
      </div>
      {(standing?.status === 'expired' || standing?.status === 'not_queued') && (
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Join the line again
        </button>
      )}
      <Alert message={error} />
    </section>
  );
}
