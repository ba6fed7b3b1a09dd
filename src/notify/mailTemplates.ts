import type { Mail } from './mailer.js';

export interface SeatLine {
  section: string;
  row: string;
  number: string;
  priceCents: number;
}

export interface MailContext {
  recipientName: string;
  eventName: string;
  eventDate: Date;
  venue: string;
  orderId: string;
  seats: SeatLine[];
  totalCents: number;
}

type Body = Pick<Mail, 'subject' | 'text' | 'html'>;

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const seatLabel = (s: SeatLine) => `Section ${s.section}, row ${s.row}, seat ${s.number}`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** The same message as plain text and as HTML: a greeting, what happened, the seats and the total. */
function render(c: MailContext, subject: string, lead: string, closing: string): Body {
  const seatsText = c.seats.map((s) => `  - ${seatLabel(s)}: ${money(s.priceCents)}`).join('\n');
  const text = [
    `Hello ${c.recipientName},`,
    '',
    lead,
    '',
    `${c.eventName}`,
    `${when(c.eventDate)}, ${c.venue}`,
    '',
    'Seats:',
    seatsText,
    `Total: ${money(c.totalCents)}`,
    '',
    `Order ${c.orderId}`,
    '',
    closing,
    '',
  ].join('\n');
  const rows = c.seats
    .map((s) => `<tr><td>${escapeHtml(seatLabel(s))}</td><td style="text-align:right">${money(s.priceCents)}</td></tr>`)
    .join('');
  const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Hello ${escapeHtml(c.recipientName)},</p>
<p>${escapeHtml(lead)}</p>
<h2>${escapeHtml(c.eventName)}</h2>
<p>${escapeHtml(when(c.eventDate))}, ${escapeHtml(c.venue)}</p>
<table><thead><tr><th style="text-align:left">Seat</th><th>Price</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><th style="text-align:left">Total</th><th style="text-align:right">${money(c.totalCents)}</th></tr></tfoot></table>
<p>Order ${escapeHtml(c.orderId)}</p>
<p>${escapeHtml(closing)}</p>
</body></html>`;
  return { subject, text, html };
}

export const confirmationMail = (c: MailContext): Body =>
  render(
    c,
    `Your tickets for ${c.eventName}`,
    'Thank you for your order. Your tickets are confirmed.',
    'Your tickets are in your account under My tickets.',
  );

export const refundMail = (c: MailContext, reason: string): Body =>
  reason === 'event_cancelled'
    ? render(
        c,
        `${c.eventName} is cancelled: your order is refunded`,
        'We are sorry: this event has been cancelled. Your order is refunded in full.',
        'The refund goes back to your card.',
      )
    : render(
        c,
        `Your order for ${c.eventName} is refunded`,
        'Your order has been refunded as you asked.',
        'The refund goes back to your card.',
      );

export const transferReceivedMail = (c: MailContext, fromName: string): Body =>
  render(
    c,
    `${fromName} sent you a ticket for ${c.eventName}`,
    `${fromName} transferred a ticket to you.`,
    'The ticket is in your account under My tickets.',
  );

export const transferSentMail = (c: MailContext, toName: string): Body =>
  render(
    c,
    `You transferred a ticket for ${c.eventName}`,
    `You transferred a ticket to ${toName}. Codes issued before are void.`,
    'If you did not do this, contact us at once.',
  );
