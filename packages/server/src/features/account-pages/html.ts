/** Server-rendered account pages: plain HTML forms, no script, so they work under the strict CSP. */

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `body{font-family:system-ui,sans-serif;color:#111;background:#f6f7f9;margin:0}
main{max-width:420px;margin:10vh auto;background:#fff;padding:32px;border-radius:10px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 16px}label{display:block;margin:16px 0 6px;font-weight:600}
input{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;border:1px solid #889;border-radius:6px}
button{margin-top:20px;padding:10px 18px;font-size:1rem;background:#1f4fd1;color:#fff;border:0;border-radius:6px;cursor:pointer}
button:focus,input:focus{outline:3px solid #f5a623;outline-offset:2px}.error{color:#b00020}.hint{color:#555;font-size:.9rem}`;

export function page(productName: string, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · ${escapeHtml(productName)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function message(text: string, kind: 'ok' | 'error' = 'ok'): string {
  return `<p${kind === 'error' ? ' class="error" role="alert"' : ' role="status"'}>${escapeHtml(text)}</p>`;
}

/** A form posting back to this page, carrying the link's token in a hidden field. */
export function form(
  action: string,
  token: string,
  fields: Array<{ name: string; label: string; type: string; autocomplete: string; hint?: string }>,
  submit: string,
): string {
  const inputs = fields
    .map(
      (f) =>
        `<label for="${f.name}">${escapeHtml(f.label)}</label><input id="${f.name}" name="${f.name}" type="${f.type}" autocomplete="${f.autocomplete}" required minlength="8" maxlength="256">${f.hint ? `<p class="hint">${escapeHtml(f.hint)}</p>` : ''}`,
    )
    .join('');
  return `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="token" value="${escapeHtml(token)}">${inputs}<button type="submit">${escapeHtml(submit)}</button></form>`;
}
