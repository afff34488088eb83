/**
 * The authorization server's pages: server-rendered forms that work without JavaScript (no script at all,
 * so the strict CSP holds), each carrying its interaction and CSRF token in hidden fields.
 */

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const STYLE = `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;background:linear-gradient(160deg,#eef2fb,#f7f8fa);margin:0;min-height:100vh}
main{max-width:400px;margin:12vh auto 4vh;background:#fff;padding:36px 32px;border-radius:14px;box-shadow:0 8px 30px #1f4fd11a,0 1px 3px #0001}
.brand{display:flex;align-items:center;gap:10px;font-weight:700;color:#1f4fd1;margin-bottom:22px;letter-spacing:.02em}
.brand span{display:inline-grid;place-items:center;width:30px;height:30px;border-radius:8px;background:#1f4fd1;color:#fff}
h1{font-size:1.35rem;margin:0 0 6px}p{line-height:1.5}.lead{color:#4a5361;margin:0 0 18px}
label{display:block;margin:16px 0 6px;font-weight:600;font-size:.95rem}
input{width:100%;padding:11px 12px;font-size:1rem;border:1px solid #b7bfcc;border-radius:8px}
button{width:100%;margin-top:22px;padding:11px 18px;font-size:1rem;font-weight:600;background:#1f4fd1;color:#fff;border:0;border-radius:8px;cursor:pointer}
button.secondary{background:#fff;color:#1b1f24;border:1px solid #b7bfcc;margin-top:10px}
button:focus,input:focus,a.social:focus{outline:3px solid #f5a623;outline-offset:2px}
.or{text-align:center;color:#5b6472;margin:20px 0 0;font-size:.9rem}
a.social{display:block;margin-top:10px;padding:11px 18px;text-align:center;font-weight:600;color:#1b1f24;text-decoration:none;border:1px solid #b7bfcc;border-radius:8px}
ul.scopes{list-style:none;padding:0;margin:16px 0;border:1px solid #e3e7ee;border-radius:10px}
ul.scopes li{padding:10px 14px;border-top:1px solid #e3e7ee}ul.scopes li:first-child{border-top:0}
.error{color:#b00020;background:#fdecef;padding:10px 12px;border-radius:8px}.hint{color:#5b6472;font-size:.88rem}`;

export function page(productName: string, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin"><title>${escapeHtml(title)} · ${escapeHtml(productName)}</title><style>${STYLE}</style></head><body><main><div class="brand"><span aria-hidden="true">${escapeHtml(productName.slice(0, 1).toUpperCase())}</span>${escapeHtml(productName)}</div><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

const alert = (error: string | undefined) =>
  error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';

export interface FormContext {
  productName: string;
  interaction: string;
  csrf: string;
  clientName: string;
}

/** A "Continue with …" link: starts the social login, which comes back to this interaction. */
export interface SocialButton {
  displayName: string;
  url: string;
}

export function loginPage(
  context: FormContext,
  options: { loginHint?: string | undefined; error?: string | undefined; social?: SocialButton[] },
): string {
  const social = options.social?.length
    ? `<p class="or">or</p>${options.social
        .map(
          (button) =>
            `<a class="social" href="${escapeHtml(button.url)}">Continue with ${escapeHtml(button.displayName)}</a>`,
        )
        .join('')}`
    : '';
  return page(
    context.productName,
    'Sign in',
    `<p class="lead">to continue to <strong>${escapeHtml(context.clientName)}</strong></p>${alert(options.error)}<form method="post" action="/oauth2/login">${hidden('interaction', context.interaction)}${hidden('csrf', context.csrf)}<label for="username">Email or username</label><input id="username" name="username" type="text" autocomplete="username" required maxlength="320" value="${escapeHtml(options.loginHint ?? '')}"${options.loginHint ? '' : ' autofocus'}><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${options.loginHint ? ' autofocus' : ''}><button type="submit">Sign in</button></form>${social}`,
  );
}

export function secondFactorPage(context: FormContext, challenge: string, error?: string): string {
  return page(
    context.productName,
    'Two-step verification',
    `<p class="lead">Enter the code from your authenticator app, or a recovery code.</p>${alert(error)}<form method="post" action="/oauth2/login">${hidden('interaction', context.interaction)}${hidden('csrf', context.csrf)}${hidden('challenge', challenge)}<label for="code">Code</label><input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="64" autofocus><button type="submit">Verify</button></form>`,
  );
}

/** What each scope means, in the words the consent page uses. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are (your account id)',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it',
  'profile:read': 'Read your profile',
  'profile:write': 'Change your profile',
  'workspaces:read': 'See your workspaces and their members',
  'workspaces:write': 'Create and manage your workspaces',
};

export function consentPage(context: FormContext, userEmail: string, scopes: readonly string[]): string {
  const items = scopes.map((scope) => `<li>${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? scope)}</li>`).join('');
  return page(
    context.productName,
    `Allow ${context.clientName}?`,
    `<p class="lead"><strong>${escapeHtml(context.clientName)}</strong> asks to access your account <strong>${escapeHtml(userEmail)}</strong>.</p>${items ? `<p>It will be able to:</p><ul class="scopes">${items}</ul>` : ''}<form method="post" action="/oauth2/consent">${hidden('interaction', context.interaction)}${hidden('csrf', context.csrf)}<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny" class="secondary">Deny</button></form><p class="hint">You can disconnect it at any time from your account.</p>`,
  );
}

export function errorPage(productName: string, message: string): string {
  return page(
    productName,
    'This request cannot continue',
    `<p class="error" role="alert">${escapeHtml(message)}</p><p class="hint">Go back to the application and try again. If it keeps happening, tell the application's developers.</p>`,
  );
}
