import { useEffect, useState, type FormEvent } from 'react';
import { api, ask, messageOf, networkError, problemError } from '../api/client';
import type { Ticket } from '../api/types';
import { Alert } from '../Alert';
import { formatDate } from '../format';
import { Link } from '../router';
import { useEventNames } from './useEventNames';

/** Ticket codes live at most 30 s: the picture is renewed well before. */
const QR_REFRESH_MS = 20_000;

function QrCode({ ticketId }: { ticketId: string }) {
  const [src, setSrc] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let url: string | undefined;
    let stopped = false;
    const load = async () => {
      try {
        const response = await fetch(`/api/tickets/${encodeURIComponent(ticketId)}/qr.svg`, {
          cache: 'no-store',
        }).catch(() => {
          throw networkError();
        });
        if (!response.ok) throw problemError(response, await response.json().catch(() => ({})));
        const next = URL.createObjectURL(await response.blob());
        if (stopped) return URL.revokeObjectURL(next);
        if (url) URL.revokeObjectURL(url);
        url = next;
        setSrc(next);
        setError(undefined);
      } catch (err) {
        if (!stopped) setError(messageOf(err));
      }
    };
    void load();
    const timer = setInterval(() => void load(), QR_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
      if (url) URL.revokeObjectURL(url);
    };
  }, [ticketId]);
  if (error) return <Alert message={error} />;
  return src ? (
    <img className="qr" src={src} alt="Ticket QR code" width={180} height={180} />
  ) : (
    <p role="status">Loading the code…</p>
  );
}

function TransferForm({ ticket, onDone }: { ticket: Ticket; onDone(ticket: Ticket, toEmail: string): void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const send = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const toEmail = String(new FormData(e.currentTarget).get('toEmail')).trim();
    setBusy(true);
    setError(undefined);
    try {
      onDone(
        (await ask(api.POST('/api/tickets/{id}/transfer', { params: { path: { id: ticket.id } }, body: { toEmail } })))
          .ticket,
        toEmail,
      );
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <form className="transfer" onSubmit={(e) => void send(e)}>
      <label>
        Recipient email
        <input type="email" name="toEmail" required />
      </label>
      <button type="submit" disabled={busy}>
        Send ticket
      </button>
      <Alert message={error} />
    </form>
  );
}

/** The buyer's tickets: a live QR code each, and transfer to another account. */
export function TicketsPage() {
  const [tickets, setTickets] = useState<Ticket[]>();
  const [error, setError] = useState<string>();
  const [transferring, setTransferring] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const eventName = useEventNames(tickets?.map((t) => t.eventId) ?? []);
  useEffect(() => {
    ask(api.GET('/api/tickets')).then(
      (r) => setTickets(r.tickets),
      (err) => setError(messageOf(err)),
    );
  }, []);
  const transferred = (ticket: Ticket, toEmail: string) => {
    setTickets((all) => all?.filter((t) => t.id !== ticket.id));
    setTransferring(undefined);
    setNotice(`Ticket sent to ${toEmail}. Your copy of its code no longer works.`);
  };
  return (
    <section>
      <h1>My tickets</h1>
      <Alert message={error} />
      <Alert message={notice} tone="info" />
      {!tickets && !error && <p role="status">Loading your tickets…</p>}
      {tickets?.length === 0 && (
        <p>
          No tickets yet. <Link to="/">Find an event</Link>.
        </p>
      )}
      <ul className="ticket-list">
        {tickets?.map((ticket) => (
          <li key={ticket.id} className="panel ticket">
            <h2>{eventName(ticket.eventId)}</h2>
            <p>
              Section {ticket.section}, row {ticket.row}, seat {ticket.number}
            </p>
            <p className="badge">
              {ticket.status === 'checked_in' && ticket.checkedInAt
                ? `checked in ${formatDate(ticket.checkedInAt)}`
                : ticket.status}
            </p>
            {ticket.status === 'valid' && <QrCode ticketId={ticket.id} />}
            {ticket.status === 'valid' && transferring !== ticket.id && (
              <button type="button" onClick={() => setTransferring(ticket.id)}>
                Transfer
              </button>
            )}
            {transferring === ticket.id && <TransferForm ticket={ticket} onDone={transferred} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
