import type { MailMessage } from './mailer.js';

/** What every message shows: the product's name and where it lives. */
export interface Brand {
  productName: string;
  publicUrl: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

interface Parts {
  subject: string;
  /** Paragraphs of plain text; the link (if any) goes between the first and the rest. */
  lead: string;
  action?: { label: string; url: string };
  rest: string[];
}

/** One layout for every message: a plain-text part, and a small HTML part with the link as a button. */
function compose(to: string, brand: Brand, parts: Parts): MailMessage {
  const footer = `${brand.productName} · ${brand.publicUrl}`;
  const text = [
    parts.lead,
    ...(parts.action ? [`${parts.action.label}:\n${parts.action.url}`] : []),
    ...parts.rest,
    `-- \n${footer}`,
  ].join('\n\n');
  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const button = parts.action
    ? `<p style="margin:0 0 16px"><a href="${escapeHtml(parts.action.url)}" style="display:inline-block;padding:10px 18px;background:#1f4fd1;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(parts.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#555">Or paste this address into your browser: ${escapeHtml(parts.action.url)}</p>`
    : '';
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px;margin:24px auto;padding:0 16px">${paragraph(parts.lead)}${button}${parts.rest.map(paragraph).join('')}<p style="margin:24px 0 0;font-size:12px;color:#777">${escapeHtml(footer)}</p></body></html>`;
  return { to, subject: `${parts.subject} · ${brand.productName}`, text, html };
}

const IGNORE = 'If you did not ask for this, you can ignore this message: nothing changes.';

export function passwordResetMessage(to: string, brand: Brand, link: string, minutes: number): MailMessage {
  return compose(to, brand, {
    subject: 'Reset your password',
    lead: `Someone (hopefully you) asked to reset the password of your ${brand.productName} account.`,
    action: { label: 'Choose a new password', url: link },
    rest: [
      `The link works once and for ${minutes} minutes. Choosing a new password signs you out everywhere.`,
      IGNORE,
    ],
  });
}

export function invitationMessage(to: string, brand: Brand, link: string, days: number): MailMessage {
  return compose(to, brand, {
    subject: 'Your new account',
    lead: `An administrator created a ${brand.productName} account for ${to}.`,
    action: { label: 'Choose your password', url: link },
    rest: [`The link works once and for ${days} days.`],
  });
}

export function verificationMessage(to: string, brand: Brand, link: string, hours: number): MailMessage {
  return compose(to, brand, {
    subject: 'Confirm your e-mail address',
    lead: `Please confirm that ${to} is the address of your ${brand.productName} account.`,
    action: { label: 'Confirm my address', url: link },
    rest: [`The link works once and for ${hours} hours.`, IGNORE],
  });
}

export function emailChangeMessage(to: string, brand: Brand, link: string, hours: number): MailMessage {
  return compose(to, brand, {
    subject: 'Confirm your new e-mail address',
    lead: `Your ${brand.productName} account asked to use ${to} from now on. It changes only when you confirm.`,
    action: { label: 'Use this address', url: link },
    rest: [`The link works once and for ${hours} hours.`, IGNORE],
  });
}

export function emailChangeNotice(to: string, brand: Brand, newEmail: string): MailMessage {
  return compose(to, brand, {
    subject: 'Your e-mail address is being changed',
    lead: `Someone signed in to your ${brand.productName} account asked to change its address from ${to} to ${newEmail}.`,
    rest: [
      'The change applies only once the new address is confirmed.',
      'If this was not you, change your password now and tell your administrator.',
    ],
  });
}

export function apiTokenExpiryMessage(
  to: string,
  brand: Brand,
  token: { nickname: string; prefix: string; expiresAt: number },
  now: number,
): MailMessage {
  const days = Math.max(1, Math.round((token.expiresAt - now) / 86_400_000));
  const when = new Date(token.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
  return compose(to, brand, {
    subject: `API token "${token.nickname}" expires ${days === 1 ? 'tomorrow' : `in ${days} days`}`,
    lead: `Your API token "${token.nickname}" (${token.prefix}…) expires at ${when} UTC.`,
    rest: [
      'Rotate it before then (POST /api/me/api-tokens/:id/rotate, or sdk.authentication.rotateApiToken): the successor works at once and the old token keeps working during the overlap, so nothing breaks while you update your secret.',
      `Manage your tokens at ${brand.publicUrl}.`,
    ],
  });
}
