import { describe, expect, it } from 'vitest';
import { CookieJar, parseSetCookie } from '../src/cookie-jar.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function headersWith(...setCookies: string[]): Headers {
  const headers = new Headers();
  for (const line of setCookies) headers.append('set-cookie', line);
  return headers;
}

describe('CookieJar', () => {
  it('sends back every cookie the server set, as one Cookie header', () => {
    const jar = new CookieJar();
    jar.capture(headersWith('sid=abc; Path=/; HttpOnly; SameSite=Lax', 'theme=dark; Max-Age=60'), NOW);
    expect(jar.header(NOW)).toBe('sid=abc; theme=dark');
  });

  it('replaces a cookie set again under the same name', () => {
    const jar = new CookieJar();
    jar.capture(headersWith('sid=old'), NOW);
    jar.capture(headersWith('sid=new'), NOW);
    expect(jar.header(NOW)).toBe('sid=new');
  });

  it('deletes a cookie the server clears with Max-Age=0', () => {
    const jar = new CookieJar();
    jar.capture(headersWith('sid=abc; Path=/'), NOW);
    jar.capture(headersWith('sid=; Path=/; Max-Age=0'), NOW);
    expect(jar.header(NOW)).toBeUndefined();
  });

  it('deletes a cookie the server clears with an Expires date in the past', () => {
    const jar = new CookieJar();
    jar.capture(headersWith('sid=abc'), NOW);
    jar.capture(headersWith('sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT'), NOW);
    expect(jar.header(NOW)).toBeUndefined();
  });

  it('stops sending a cookie once its Max-Age has passed', () => {
    const jar = new CookieJar();
    jar.capture(headersWith('sid=abc; Max-Age=10'), NOW);
    expect(jar.header(NOW + 9_000)).toBe('sid=abc');
    expect(jar.header(NOW + 10_000)).toBeUndefined();
  });

  it('lets Max-Age win over Expires whichever comes first (RFC 6265 §5.3)', () => {
    expect(parseSetCookie('a=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT', NOW)?.expiresAt).toBe(
      NOW + 60_000,
    );
    expect(parseSetCookie('a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60', NOW)?.expiresAt).toBe(
      NOW + 60_000,
    );
  });

  it('keeps "=" inside a cookie value and ignores lines without a name', () => {
    expect(parseSetCookie('token=a=b==; Path=/', NOW)).toMatchObject({ name: 'token', value: 'a=b==' });
    expect(parseSetCookie('=nameless', NOW)).toBeUndefined();
  });

  it('forgets everything on clear', () => {
    const jar = new CookieJar();
    jar.capture(headersWith('sid=abc'), NOW);
    jar.clear();
    expect(jar.header(NOW)).toBeUndefined();
  });
});
