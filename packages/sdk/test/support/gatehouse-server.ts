/**
 * The real Gatehouse server for integration tests, from packages/server/test/support/server.ts.
 *
 * It is loaded through a computed specifier on purpose: the SDK's TypeScript program (rootDir
 * packages/sdk) must not pull in the server's sources, and the SDK must not depend on the server
 * (ARCHITECTURE.md). The interface below is the part of the server's test API these tests use.
 */

export type TestDatabase = 'sqlite' | 'postgres';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  database: TestDatabase;
  createUser(input?: {
    email?: string;
    password?: string;
    admin?: boolean;
    emailVerified?: boolean;
  }): Promise<TestUser>;
  close(): Promise<void>;
}

export interface StartOptions {
  database?: TestDatabase;
  /** Extra GATEHOUSE_* variables; sign-up is open unless this says otherwise. */
  env?: Record<string, string>;
  /** Replaces the server's clock, so tests can expire tokens and sessions without waiting. */
  now?: () => number;
  /** Receives the server's log lines (without SMTP, development servers log each e-mail there). */
  logStream?: { write(line: string): void };
  /** Listen on a port chosen up front and make http://127.0.0.1:PORT the public URL (the OAuth issuer). */
  publicUrlIsAddress?: boolean;
}

interface ServerTestSupport {
  testDatabases: TestDatabase[];
  startTestServer(options?: StartOptions): Promise<TestServer>;
}

const supportModule = new URL('../../../server/test/support/server.ts', import.meta.url).href;
const support = (await import(/* @vite-ignore */ supportModule)) as ServerTestSupport;

/** SQLite always; PostgreSQL too when it answers (required in CI). */
export const testDatabases: TestDatabase[] = support.testDatabases;

export function startTestServer(options?: StartOptions): Promise<TestServer> {
  return support.startTestServer(options);
}

/** A server clock that tests move forward; `advance` jumps it by a duration. */
export function adjustableClock(): { now: () => number; advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

let counter = 0;

/** A fresh, valid email, so tests sharing a server never collide. */
export function uniqueEmail(prefix = 'sdk'): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}
