import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { AppContext } from '../../context.js';
import { conflict } from '../../lib/errors.js';
import { isUniqueViolation } from '../../storage/database.js';
import { privateKeyObject, signCompact, signCompactOffLoop } from './jws.js';
import {
  type GeneratedKey,
  generateSigningKey,
  importKey,
  isSigningAlgorithm,
  type PublishedJwk,
  type SigningAlgorithm,
} from './key-material.js';
import { type SigningKeyRow, SigningKeyStore } from './store.js';

/** Published on the invalidation bus after a rotation, so every instance reloads its keys at once. */
export const SIGNING_KEYS_TOPIC = 'signing-keys';

/** Even without a bus message (SQLite with a CLI rotation, a lost NOTIFY), keys are re-read this often. */
const RELOAD_INTERVAL_MS = 60_000;
/** An unknown `kid` triggers a reload at most this often: forged kids must not cost a query each. */
const UNKNOWN_KID_RELOAD_INTERVAL_MS = 5_000;
/** After a failed periodic reload, the keys already loaded keep serving and a reload is retried this soon. */
const RELOAD_RETRY_MS = 5_000;

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  /** Imported once when the key is loaded; signs synchronously (jws.ts). */
  privateKey: KeyObject;
  /** The JWS header of each token type this key signed, frozen so that jws.ts encodes it only once. */
  headers: Map<string, Readonly<Record<string, unknown>>>;
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: PublishedJwk;
  key: CryptoKey;
  /** Null while the key is active; else the end of its rotation grace. */
  verifyUntil: number | null;
}

export interface KeySummary {
  kid: string;
  alg: string;
  status: 'active' | 'retired' | 'expired';
  createdAt: number;
  verifyUntil: number | null;
}

export interface RotationResult {
  alg: SigningAlgorithm;
  kid: string;
  retired: string[];
  verifyUntil: number;
}

/**
 * The JWT signing keys of the deployment, shared through the database (ARCHITECTURE.md "Scaling out"):
 * created on first start, private halves sealed with the master key, rotated with a grace period during
 * which retired keys still verify and stay in the JWKS. Held in memory so verifying a token costs no query;
 * a rotation elsewhere arrives by a bus message, by the periodic reload, or when an unknown `kid` shows up.
 */
export class SigningKeyRing {
  readonly #store: SigningKeyStore;
  #verification = new Map<string, VerificationKey>();
  #signing = new Map<SigningAlgorithm, SigningKey>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #stale = true;
  #loading: Promise<void> | undefined;
  #lastUnknownKidReload = Number.NEGATIVE_INFINITY;
  constructor(private readonly ctx: AppContext) {
    this.#store = new SigningKeyStore(ctx.storage.db);
    // `*` also comes when another process committed to the SQLite file (storage/external-changes.ts, looked
    // for at the start of every request): `gatehouse keys rotate` run from the shell is read before the next
    // request signs anything, so its first token already uses the new key. PostgreSQL instances hear of a
    // rotation by NOTIFY.
    ctx.bus.subscribe((key) => {
      if (key === '*' || key === SIGNING_KEYS_TOPIC) this.#stale = true;
    });
  }

  /**
   * Signs a JWT (compact JWS) of type `typ` with the active key for `alg` (header `alg`, `kid`, `typ`). One
   * synchronous node:crypto signature with the key imported at load; no query while the ring is fresh.
   */
  async sign(alg: SigningAlgorithm, typ: string, payload: Record<string, unknown>): Promise<string> {
    const key = await this.signingKey(alg);
    return signCompact(headerOf(key, typ), payload, key.alg, key.privateKey);
  }

  /**
   * `sign`, with the signature computed on the thread pool rather than the event loop (jws.ts). While the
   * ring is fresh, the key is taken without awaiting anything: this runs on every refresh rotation.
   */
  signOffLoop(alg: SigningAlgorithm, typ: string, payload: Record<string, unknown>): Promise<string> {
    const loaded = this.#isFresh() ? this.#signing.get(alg) : undefined;
    if (loaded) return signCompactOffLoop(headerOf(loaded, typ), payload, loaded.alg, loaded.privateKey);
    return this.signingKey(alg).then((key) =>
      signCompactOffLoop(headerOf(key, typ), payload, key.alg, key.privateKey),
    );
  }

  /** The key that signs with `alg` now; creates the first one (once, even across racing instances). */
  async signingKey(alg: SigningAlgorithm = 'EdDSA'): Promise<SigningKey> {
    await this.#fresh();
    const loaded = this.#signing.get(alg);
    if (loaded) return loaded;
    await this.#store.insertIfNoneActive(this.#row(await generateSigningKey(alg), this.ctx.now()));
    await this.#reload();
    const created = this.#signing.get(alg);
    if (!created) throw new Error(`no active ${alg} signing key after creating one`);
    return created;
  }

  /** The public key for a `kid`, if it is active or inside its rotation grace. */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    await this.#fresh();
    const known = this.#usable(kid);
    if (known) return known;
    // The kid may come from a rotation on another instance that we have not heard of yet.
    const now = this.ctx.now();
    if (now - this.#lastUnknownKidReload < UNKNOWN_KID_RELOAD_INTERVAL_MS) return undefined;
    this.#lastUnknownKidReload = now;
    await this.#reload();
    return this.#usable(kid);
  }

  /**
   * `verificationKey` without waiting: the key when the ring is fresh and knows it, otherwise undefined
   * (a reload is due, or the kid is unknown: only `verificationKey` can tell).
   */
  knownVerificationKey(kid: string): VerificationKey | undefined {
    if (this.#stale || this.ctx.now() - this.#loadedAt >= RELOAD_INTERVAL_MS) return undefined;
    return this.#usable(kid);
  }

  /** RFC 7517 JWK Set: active keys and retired keys still in their grace; public members only. */
  async jwks(): Promise<{ keys: PublishedJwk[] }> {
    await this.#fresh();
    const keys: PublishedJwk[] = [];
    for (const kid of this.#verification.keys()) {
      const key = this.#usable(kid);
      if (key) keys.push(key.publicJwk);
    }
    return { keys };
  }

  /**
   * Retires every active key (each keeps verifying for GATEHOUSE_KEY_ROTATION_GRACE) and activates a new
   * one per algorithm; then tells every instance. With no key yet, creates the EdDSA key.
   */
  async rotate(): Promise<RotationResult[]> {
    const active = (await this.#store.activeAlgorithms()).filter(isSigningAlgorithm);
    const results: RotationResult[] = [];
    for (const alg of active.length > 0 ? active : (['EdDSA'] as const)) {
      const now = this.ctx.now();
      const verifyUntil = now + this.ctx.config.tokens.keyRotationGrace * 1000;
      const key = await generateSigningKey(alg);
      try {
        const retired = await this.#store.rotate(this.#row(key, now), now, verifyUntil);
        results.push({ alg, kid: key.kid, retired, verifyUntil });
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict('Another key rotation is running; try again', 'ROTATION_IN_PROGRESS');
        throw error;
      }
    }
    this.#stale = true;
    await this.ctx.bus.publish(SIGNING_KEYS_TOPIC);
    await this.#fresh();
    return results;
  }

  /** Every stored key with its state, for `gatehouse keys list`. */
  async list(): Promise<KeySummary[]> {
    const now = this.ctx.now();
    return (await this.#store.listAll()).map((row) => ({
      kid: row.kid,
      alg: row.alg,
      status: row.active_for ? 'active' : (row.verify_until ?? 0) > now ? 'retired' : 'expired',
      createdAt: row.created_at,
      verifyUntil: row.active_for ? null : row.verify_until,
    }));
  }

  #usable(kid: string): VerificationKey | undefined {
    const key = this.#verification.get(kid);
    if (!key || (key.verifyUntil !== null && key.verifyUntil <= this.ctx.now())) return undefined;
    return key;
  }

  #row(key: GeneratedKey, now: number): SigningKeyRow {
    return {
      kid: key.kid,
      alg: key.alg,
      public_jwk: JSON.stringify(key.publicJwk),
      private_jwk_sealed: this.ctx.secrets.seal(JSON.stringify(key.privateJwk)),
      active_for: key.alg,
      created_at: now,
      retired_at: null,
      verify_until: null,
    };
  }

  /** Loaded, not marked stale by a bus message, and not older than the reload interval. */
  #isFresh(): boolean {
    return !this.#stale && this.ctx.now() - this.#loadedAt < RELOAD_INTERVAL_MS;
  }

  async #fresh(): Promise<void> {
    if (this.#isFresh()) return;
    try {
      await this.#reload();
    } catch (error) {
      // With keys in hand, a database blip must not fail token checks; without any, there is nothing to serve.
      if (this.#loadedAt === Number.NEGATIVE_INFINITY) throw error;
      this.#stale = false;
      this.#loadedAt = this.ctx.now() - RELOAD_INTERVAL_MS + RELOAD_RETRY_MS;
    }
  }

  #reload(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    // Cleared first: a bus message arriving while we read marks the ring stale again.
    this.#stale = false;
    const now = this.ctx.now();
    const rows = await this.#store.listUsable(now);
    const verification = new Map<string, VerificationKey>();
    const signing = new Map<SigningAlgorithm, SigningKey>();
    for (const row of rows) {
      const alg = row.alg;
      if (!isSigningAlgorithm(alg)) continue;
      const known = this.#verification.get(row.kid);
      const publicJwk = known?.publicJwk ?? (JSON.parse(row.public_jwk) as PublishedJwk);
      const key = known?.key ?? (await importKey(publicJwk, alg));
      verification.set(row.kid, { kid: row.kid, alg, publicJwk, key, verifyUntil: row.verify_until });
      if (row.active_for === alg) {
        const current = this.#signing.get(alg);
        signing.set(alg, current?.kid === row.kid ? current : await this.#openPrivate(row, alg));
      }
    }
    this.#verification = verification;
    this.#signing = signing;
    this.#loadedAt = now;
  }

  async #openPrivate(row: SigningKeyRow, alg: SigningAlgorithm): Promise<SigningKey> {
    let jwk: JWK;
    try {
      jwk = JSON.parse(this.ctx.secrets.open(row.private_jwk_sealed)) as JWK;
    } catch {
      throw new Error(
        `cannot open signing key ${row.kid}: GATEHOUSE_MASTER_KEY is not the key it was sealed with`,
      );
    }
    return { kid: row.kid, alg, privateKey: privateKeyObject(jwk), headers: new Map() };
  }
}

/** The JWS header for tokens of type `typ` signed by `key`, the same frozen object every time. */
function headerOf(key: SigningKey, typ: string): Readonly<Record<string, unknown>> {
  let header = key.headers.get(typ);
  if (!header) {
    header = Object.freeze({ alg: key.alg, kid: key.kid, typ });
    key.headers.set(typ, header);
  }
  return header;
}
