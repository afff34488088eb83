import type { FastifyBaseLogger } from 'fastify';
import type { Transporter } from 'nodemailer';
import type { Config } from '../../config/load.js';
import { AppError } from '../../lib/errors.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** How one immediate attempt ended (`deliver`): accepted, worth trying again later, or refused for good. */
export type Delivery = 'sent' | 'retry' | 'rejected';

/** Waits before each retry of a failed send: a short blip (greylisting, a restarting relay) is ridden out. */
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

/**
 * Outgoing e-mail. `send` queues and returns at once, so a request never waits on SMTP and never answers
 * differently because a send failed (a password-reset answer must not say whether a message went out).
 * A failed send is retried with back-off and each failure is logged, without the message body: it may
 * carry a one-time link.
 *
 * Without GATEHOUSE_SMTP_URL, development servers write each message to the log (so the links can be
 * followed by hand) and production servers send nothing: the features that need mail check `available`
 * first and answer 503 MAIL_DISABLED.
 */
export class Mailer {
  readonly delivery: Config['mail']['delivery'];
  readonly #smtpUrl: string | undefined;
  /** Created at the first send: nodemailer is loaded only by a server that sends mail (memory at start-up). */
  #transport: Promise<Transporter> | undefined;
  readonly #from: string;
  readonly #pending = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(
    config: Config['mail'],
    private readonly log: FastifyBaseLogger,
  ) {
    this.delivery = config.delivery;
    this.#from = config.from;
    this.#smtpUrl = config.smtpUrl;
  }

  /** True when messages reach someone: SMTP, or the log in development. */
  get available(): boolean {
    return this.delivery !== 'off';
  }

  /** Throws 503 MAIL_DISABLED when mail is off, for features that cannot work without it. */
  assertAvailable(feature: string): void {
    if (!this.available) {
      throw new AppError(
        503,
        'MAIL_DISABLED',
        `${feature} needs e-mail, which is off on this server until an administrator sets GATEHOUSE_SMTP_URL`,
      );
    }
  }

  /** Queues a message; never throws, never waits for delivery. */
  send(message: MailMessage): void {
    if (this.delivery === 'off') {
      this.log.warn({ mail: { subject: message.subject } }, 'mail is off (no GATEHOUSE_SMTP_URL): not sent');
      return;
    }
    if (this.delivery === 'log') {
      // Development only: the whole message, links included, so they can be followed without a mail server.
      this.log.info(
        { mail: { to: message.to, subject: message.subject, text: message.text } },
        'mail not sent (no GATEHOUSE_SMTP_URL): logged for development',
      );
      return;
    }
    this.#track(this.#attempt(message, 0));
  }

  /**
   * One attempt now, for callers that keep their own record of what went out and retry on their own
   * schedule (the API-token expiry notices retry with the next sweep): resolves to how it ended, never
   * throws. A permanent refusal by the mail server (a 5xx reply, such as an unknown recipient) is
   * `rejected`, so the caller stops trying; anything else that fails is `retry`.
   */
  deliver(message: MailMessage): Promise<Delivery> {
    if (this.delivery !== 'smtp') {
      this.send(message);
      return Promise.resolve(this.available ? 'sent' : 'retry');
    }
    if (this.#closed) return Promise.resolve('retry');
    const work = this.#smtp()
      .then((transport) => transport.sendMail({ from: this.#from, ...message }))
      .then(
        (): Delivery => 'sent',
        (error: unknown): Delivery => {
          const code = (error as { responseCode?: unknown }).responseCode;
          const outcome: Delivery = typeof code === 'number' && code >= 500 ? 'rejected' : 'retry';
          // The subject and the error only: the body may hold a one-time link.
          this.log.error(
            { err: error, mail: { subject: message.subject } },
            outcome === 'rejected'
              ? 'mail refused by the mail server; not retried'
              : 'mail could not be sent; its sender retries later',
          );
          return outcome;
        },
      );
    this.#track(work.then(() => undefined));
    return work;
  }

  /** Resolves when every queued message was delivered or given up on (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Waits briefly for sends in flight, then drops pending retries. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    for (const timer of this.#timers) clearTimeout(timer);
    if (this.#transport) (await this.#transport).close();
  }

  #smtp(): Promise<Transporter> {
    const url = this.#smtpUrl;
    if (url === undefined)
      return Promise.reject(new Error('mail delivery is smtp without GATEHOUSE_SMTP_URL'));
    this.#transport ??= import('nodemailer').then(({ createTransport }) => createTransport(url));
    return this.#transport;
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  async #attempt(message: MailMessage, attempt: number): Promise<void> {
    try {
      await (await this.#smtp()).sendMail({ from: this.#from, ...message });
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      const giveUp = delay === undefined || this.#closed;
      // The subject and the error only: the body may hold a one-time link.
      this.log.error(
        { err: error, mail: { subject: message.subject }, attempt: attempt + 1 },
        giveUp ? 'mail could not be sent; giving up' : 'mail could not be sent; will retry',
      );
      if (giveUp) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          resolve();
        }, delay);
        timer.unref();
        this.#timers.add(timer);
      });
      if (!this.#closed) await this.#attempt(message, attempt + 1);
    }
  }
}
