import { createHash } from 'node:crypto';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `body{font-family:system-ui,sans-serif;color:#111;background:#f6f7f9;margin:0;line-height:1.5}
main{max-width:560px;margin:8vh auto;background:#fff;padding:32px;border-radius:10px;box-shadow:0 1px 4px #0002}
@media (max-width:600px){main{margin:0;border-radius:0;padding:24px 16px}}
h1{font-size:1.5rem;margin:0 0 8px}p{margin:0 0 16px;color:#333}ul{padding:0;margin:0;list-style:none}
li{padding:12px 0;border-top:1px solid #e3e5ea}a{color:#1f4fd1;font-weight:600}span{display:block;color:#555;font-size:.9rem}
a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}`;

/**
 * The page's only style, allowed by its hash: the policy needs no 'unsafe-inline', and with no script at all
 * (`default-src 'none'`), nothing injected into the page could run.
 */
export const LANDING_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface LandingLink {
  href: string;
  label: string;
  description: string;
}

/** What this server is and where to go from here: public facts only (no version, no configuration). */
export function landingPage(productName: string, publicUrl: string, links: LandingLink[]): string {
  const items = links
    .map(
      (link) =>
        `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a><span>${escapeHtml(link.description)}</span></li>`,
    )
    .join('');
  const name = escapeHtml(productName);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${name}</title><style>${STYLE}</style></head><body><main><h1>${name}</h1><p>The sign-in and account server at ${escapeHtml(publicUrl)}: accounts, sessions, API tokens, workspaces, social sign-in and an OAuth 2.0 / OpenID Connect provider for your applications.</p><ul>${items}</ul></main></body></html>`;
}
