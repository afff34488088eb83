/**
 * A real SMTP server in-process (smtp-server), reading what Gatehouse sends with mailparser: tests see
 * the messages a person would get, and follow their links.
 */
import { type AddressInfo, createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailbox {
  /** For GATEHOUSE_SMTP_URL. */
  url: string;
  messages: ReceivedMail[];
  /**
   * Waits for a message to `to` matching `subject`, polling every 20 ms for at most `timeoutMs`
   * (delivery is asynchronous: Gatehouse queues mail after answering).
   */
  waitFor(to: string, subject: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  /** Messages to `to` received so far. */
  to(address: string): ReceivedMail[];
  /** Refuses the next `count` messages with a temporary error (to prove retries). */
  failNext(count: number): void;
  /** Refuses the next `count` messages for good (550, as for an unknown recipient). */
  rejectNext(count: number): void;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startMailbox(): Promise<Mailbox> {
  const messages: ReceivedMail[] = [];
  let failures = 0;
  let rejections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (failures > 0 || rejections > 0) {
        const permanent = failures === 0;
        if (permanent) rejections -= 1;
        else failures -= 1;
        stream.resume();
        stream.on('end', () => {
          const error = permanent
            ? Object.assign(new Error('No such user here'), { responseCode: 550 })
            : Object.assign(new Error('Try again later'), { responseCode: 451 });
          callback(error);
        });
        return;
      }
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
          messages.push({
            to: to?.value[0]?.address ?? '',
            from: mail.from?.value[0]?.address ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const to = (address: string) => messages.filter((m) => m.to === address);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to,
    failNext(count) {
      failures = count;
    },
    rejectNext(count) {
      rejections = count;
    },
    async waitFor(address, subject, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = to(address).find((m) => subject.test(m.subject));
        if (found) return found;
        if (Date.now() > until)
          throw new Error(
            `no message "${subject}" to ${address} within ${timeoutMs} ms (got ${messages.length})`,
          );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link into the account pages in a message's text, as a path + query for the test server. */
export function accountLink(mail: ReceivedMail): { path: string; token: string } {
  const match = /https?:\/\/[^\s]+\/account\/[^\s]+/.exec(mail.text);
  if (!match) throw new Error(`no account link in: ${mail.text}`);
  const url = new URL(match[0]);
  return { path: url.pathname + url.search, token: url.searchParams.get('token') ?? '' };
}
