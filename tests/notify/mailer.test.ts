import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMailer } from '../../src/notify/mailer.js';
import { confirmationMail } from '../../src/notify/mailTemplates.js';
import { decodeQuotedPrintable } from './receivers.js';

describe('mail without SMTP_URL', () => {
  it('writes each mail as an .eml file (text and HTML, the seats and the total), names escaped in HTML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mail-'));
    const mailer = createMailer({ dir, from: 'Tickets <tickets@tickets.example>' });
    const body = confirmationMail({
      recipientName: 'Ada <script>',
      eventName: 'Night & Day',
      eventDate: new Date('2030-05-01T19:30:00Z'),
      venue: 'Hall, Springfield',
      orderId: 'o-1',
      totalCents: 17_500,
      seats: [
        { section: 'Floor', row: '2', number: '7', priceCents: 12_500 },
        { section: 'Balcony', row: '1', number: '3', priceCents: 5_000 },
      ],
    });
    await mailer.send({ key: 'entry-1', to: 'ada@example.test', ...body });
    mailer.close();
    expect(await readdir(dir)).toEqual(['entry-1.eml']);
    const raw = decodeQuotedPrintable(await readFile(join(dir, 'entry-1.eml'), 'utf8'));
    expect(raw).toContain('To: ada@example.test');
    expect(raw).toContain('Subject: Your tickets for Night & Day');
    expect(raw).toContain('Message-ID: <entry-1@tickets.example>');
    expect(raw).toContain('Section Floor, row 2, seat 7: $125.00');
    expect(raw).toContain('Section Balcony, row 1, seat 3: $50.00');
    expect(raw).toContain('Total: $175.00');
    expect(raw).toContain('Content-Type: text/html');
    expect(raw).toContain('Hello Ada &lt;script&gt;,');
    expect(raw).toContain('<h2>Night &amp; Day</h2>');
    await rm(dir, { recursive: true });
  });
});
