/** A page as the login walker sees it: a redirect target, or HTML to read a form from. */
export interface FetchedPage {
  status: number;
  location?: string;
  html: string;
}

/**
 * Just enough of a browser to get through server-rendered login and consent pages over HTTP: it keeps
 * cookies (one site, so no domain or path matching), does not follow redirects itself, and posts forms.
 */
export class FormBrowser {
  readonly #cookies = new Map<string, string>();

  get(url: string): Promise<FetchedPage> {
    return this.#send(url, { method: 'GET' });
  }

  /** Posts a form; `headers` adds what a browser would send with it (`origin`). */
  post(
    url: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<FetchedPage> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async #send(url: string, init: RequestInit): Promise<FetchedPage> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size) {
      headers.set('cookie', [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) this.#cookies.delete(name.trim());
      else this.#cookies.set(name.trim(), value);
    }
    const location = response.headers.get('location');
    const html = await response.text();
    return { status: response.status, html, ...(location ? { location: new URL(location, url).href } : {}) };
  }
}

/**
 * Follows an authorization request like a browser: redirects are followed, every other page goes to
 * `answer`, which submits its form and resolves to where the server sent the browser next. Stops at the
 * first URL off `origin`, which is the callback.
 */
export async function followAuthorization(
  origin: string,
  authorizationUrl: string,
  answer: (page: FetchedPage, url: string, browser: FormBrowser) => Promise<string>,
): Promise<string> {
  const browser = new FormBrowser();
  let url = authorizationUrl;
  for (let step = 0; step < 12; step += 1) {
    if (new URL(url).origin !== origin) return url;
    const page = await browser.get(url);
    url = page.location ?? (await answer(page, url, browser));
  }
  throw new Error('The login did not finish within 12 steps');
}

/** Where a form post redirected to; an error when it did not redirect. */
export function redirectTarget(answer: FetchedPage, what: string): string {
  if (!answer.location) throw new Error(`${what} did not redirect (${answer.status})`);
  return answer.location;
}
