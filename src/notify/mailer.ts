import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface Mail {
  /** names the mail within its outbox entry: an .eml file's name, and the Message-ID */
  key: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** smtp(s)://user:pass@host:port; without it, mails are written as .eml files */
  smtpUrl?: string | undefined;
  /** where .eml files go without SMTP */
  dir: string;
  from: string;
}

/**
 * Sends through SMTP with nodemailer when SMTP_URL is set; otherwise renders the same MIME
 * message and writes it to `<dir>/<key>.eml`, so a local run needs no mail server and a
 * developer can open what would have been sent.
 */
export function createMailer(options: MailerOptions): Mailer {
  /** The one MIME message both ways send. */
  const message = (mail: Mail) => ({
    from: options.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${mail.key}@${domainOf(options.from)}>`,
  });
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail(message(mail));
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(message(mail));
      await mkdir(options.dir, { recursive: true });
      await writeFile(join(options.dir, `${mail.key}.eml`), info.message as Buffer);
    },
    close: () => transport.close(),
  };
}

function domainOf(address: string): string {
  return /@([^>\s]+)/.exec(address)?.[1] ?? 'localhost';
}
