import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK } from '../src/index.js';
import { type StubReply, type StubServer, startStubServer } from './support/stub-server.js';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** Makes one GET /api/me against a stub that answers `reply`, and returns what the SDK rejected with. */
async function errorFor(reply: StubReply): Promise<GatehouseError> {
  stub = await startStubServer(() => reply);
  const sdk = new GatehouseSDK({ appUrl: stub.url, retry: false });
  const error = await sdk.authentication.getLoggedInUser().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

describe('GatehouseError from server answers', () => {
  it('carries the status, the server’s code and message, and the parsed body as details', async () => {
    const body = { code: 'VALIDATION_ERROR', message: 'email is invalid', errors: { email: 'invalid' } };
    const error = await errorFor({ status: 400, body });
    expect(error).toMatchObject({ name: 'GatehouseError', status: 400, code: 'VALIDATION_ERROR' });
    expect(error.message).toBe('email is invalid');
    expect(error.details).toEqual(body);
    expect(error).toBeInstanceOf(Error);
  });

  it('uses error and error_description of an OAuth-style body (RFC 6749 §5.2)', async () => {
    const error = await errorFor({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'code expired' },
    });
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', message: 'code expired' });
  });

  it('does not mistake a reason phrase in `error` for a code', async () => {
    const error = await errorFor({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'Route not found' },
    });
    expect(error).toMatchObject({ status: 404, code: 'HTTP_404', message: 'Route not found' });
  });

  it('uses a plain-text body as the message', async () => {
    const error = await errorFor({ status: 502, body: 'upstream unavailable' });
    expect(error).toMatchObject({ status: 502, code: 'HTTP_502', message: 'upstream unavailable' });
    expect(error.details).toBe('upstream unavailable');
  });

  it('never has an empty message, even for an empty body or an HTML error page', async () => {
    const empty = await errorFor({ status: 401 });
    expect(empty.message).toBe('Request failed with status 401 Unauthorized');
    expect(empty.code).toBe('HTTP_401');
    await stub?.close();
    const html = await errorFor({
      status: 500,
      body: '<html><body>Oops</body></html>',
      headers: { 'content-type': 'text/html' },
    });
    expect(html.message).toBe('Request failed with status 500 Internal Server Error');
    expect(html.details).toContain('<html>');
    await stub?.close();
    const blank = await errorFor({ status: 403, body: { code: 'FORBIDDEN', message: '' } });
    expect(blank.message).not.toBe('');
    expect(blank.code).toBe('FORBIDDEN');
  });

  it('rejects with INVALID_RESPONSE when a success answer is not JSON', async () => {
    const error = await errorFor({
      status: 200,
      body: '<html>login page</html>',
      headers: { 'content-type': 'text/html' },
    });
    expect(error).toMatchObject({ status: 200, code: 'INVALID_RESPONSE' });
    expect(error.message).toContain('GET /api/me');
  });
});

describe('GatehouseError without a server answer', () => {
  it('rejects with NETWORK_ERROR and status 0 when nothing listens', async () => {
    stub = await startStubServer(() => ({}));
    const closedUrl = stub.url;
    await stub.close();
    stub = undefined;
    const sdk = new GatehouseSDK({ appUrl: closedUrl });
    const error = await sdk.authentication.getLoggedInUser().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
    expect((error as Error).message).toMatch(/^Network request failed/);
  });
});
