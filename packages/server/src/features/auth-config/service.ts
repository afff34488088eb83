import type { AppContext } from '../../context.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import {
  type AuthConfiguration,
  type AuthConfigurationChanges,
  DEFAULT_AUTH_CONFIGURATION,
  mergeAuthConfiguration,
} from './configuration.js';
import { SettingsStore } from './store.js';

const SETTINGS_KEY = 'auth-configuration';
/** Published on the invalidation bus when an admin changes the configuration. */
export const authConfigurationTag = `settings:${SETTINGS_KEY}`;

/**
 * The authentication configuration, read on every API-token request. It is cached in memory so that costs
 * no database round trip; a change is published on the bus, so every instance applies it on its next
 * request. The TTL only bounds staleness if a notification was ever lost.
 */
export class AuthConfigService {
  readonly #store: SettingsStore;
  readonly #cache: TtlCache<AuthConfiguration>;

  constructor(private readonly ctx: AppContext) {
    this.#store = new SettingsStore(ctx.storage.db);
    this.#cache = new TtlCache<AuthConfiguration>(60_000, 1, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('auth_config', this.#cache);
  }

  get(): Promise<AuthConfiguration> {
    return this.#cache.read(
      SETTINGS_KEY,
      () => this.#readStored(),
      () => [authConfigurationTag],
    );
  }

  /**
   * The configuration when it is cached, without a promise (the API-token check on every request); undefined
   * when `get()` must read it. The same cache, so the same invalidation.
   */
  cached(): AuthConfiguration | undefined {
    return this.#cache.get(SETTINGS_KEY);
  }

  /** Applies a partial change over what is stored (not over a possibly stale cache) and tells every instance. */
  async update(changes: AuthConfigurationChanges): Promise<AuthConfiguration> {
    const config = mergeAuthConfiguration(await this.#readStored(), changes);
    await this.#store.write(SETTINGS_KEY, config, this.ctx.now());
    await this.ctx.bus.publish(authConfigurationTag);
    return config;
  }

  async #readStored(): Promise<AuthConfiguration> {
    const stored = await this.#store.read(SETTINGS_KEY);
    // Merging (never handing out the defaults object itself) also fills in settings added since it was written.
    const changes = stored && typeof stored === 'object' ? (stored as AuthConfigurationChanges) : {};
    return mergeAuthConfiguration(DEFAULT_AUTH_CONFIGURATION, changes);
  }
}
