import { AccountSecurity } from './account-security.js';
import { GatehouseError } from './errors.js';
import type { RequestOptions } from './options.js';
import { adoptSessionSignin, adoptTokenSignin } from './sign-in-result.js';
import { isTokenGrant } from './token-set.js';
import type {
  AccountExport,
  SecondFactorChallenge,
  SecondFactorProof,
  SecondFactorStatus,
  SensitiveChangeProof,
  SessionSignin,
  TokenSignin,
  TotpEnrolment,
} from './types.js';

/**
 * The challenge in a `SECOND_FACTOR_REQUIRED` error from `signin` / `oAuthSignin`, or null for any other
 * error: the account has a second factor, and {@link AccountLifecycle.completeSignin} finishes the sign-in.
 *
 * @example
 * ```ts
 * try {
 *   await sdk.authentication.signin({ username: 'ada@example.com', password: 'correct horse battery' });
 * } catch (error) {
 *   const challenge = secondFactorChallenge(error);
 *   if (!challenge) throw error;
 *   await sdk.authentication.completeSignin(challenge, { code: await askForCode() });
 * }
 * ```
 */
export function secondFactorChallenge(error: unknown): SecondFactorChallenge | null {
  if (!(error instanceof GatehouseError) || error.code !== 'SECOND_FACTOR_REQUIRED') return null;
  const details = error.details as Partial<SecondFactorChallenge> | undefined;
  if (typeof details?.challenge !== 'string') return null;
  return {
    challenge: details.challenge,
    expiresIn: typeof details.expiresIn === 'number' ? details.expiresIn : 0,
    methods: Array.isArray(details.methods) ? details.methods : ['totp', 'recovery_code'],
  };
}

/**
 * The account's lifecycle: password reset, e-mail verification and change, the second factor, deleting
 * the account and downloading its data. Reached through `sdk.authentication`.
 */
export class AccountLifecycle extends AccountSecurity {
  /**
   * Asks for a password-reset e-mail. The answer is the same whether or not the address has an account.
   *
   * @example
   * ```ts
   * await sdk.authentication.requestPasswordReset('ada@example.com');
   * ```
   */
  async requestPasswordReset(email: string, options?: RequestOptions): Promise<{ message: string }> {
    return this.#anonymous('/api/password/forgot', { email }, options);
  }

  /**
   * Sets a new password with the token from the reset e-mail. Every session of the account ends; API
   * tokens keep working.
   *
   * @example
   * ```ts
   * const token = new URL(location.href).searchParams.get('token')!;
   * await sdk.authentication.resetPassword({ token, newPassword: 'a new long secret' });
   * ```
   */
  async resetPassword(
    reset: { token: string; newPassword: string },
    options?: RequestOptions,
  ): Promise<{ message: string }> {
    return this.#anonymous('/api/password/reset', reset, options);
  }

  /**
   * Confirms an address (sign-up verification, or a new address after `changeEmail`) with the link's token.
   *
   * @example
   * ```ts
   * await sdk.authentication.verifyEmail(new URL(link).searchParams.get('token')!);
   * ```
   */
  async verifyEmail(token: string, options?: RequestOptions): Promise<{ message: string }> {
    return this.#anonymous('/api/email/verify', { token }, options);
  }

  /**
   * Sends a new verification link to an unconfirmed address (same answer for any address).
   *
   * @example
   * ```ts
   * await sdk.authentication.resendVerificationEmail('ada@example.com');
   * ```
   */
  async resendVerificationEmail(email: string, options?: RequestOptions): Promise<{ message: string }> {
    return this.#anonymous('/api/email/verify/resend', { email }, options);
  }

  /**
   * Asks to change the signed-in user's address: a link goes to the new one (the change applies when it
   * is used) and a notice to the old one. Needs a recent sign-in or the current password.
   *
   * @example
   * ```ts
   * await sdk.authentication.changeEmail({ email: 'ada@new.example', password: 'correct horse battery' });
   * ```
   */
  async changeEmail(
    change: { email: string; password?: string },
    options?: RequestOptions,
  ): Promise<{ message: string }> {
    return this.client.request({ method: 'POST', path: '/api/me/email', body: change, options });
  }

  /**
   * Finishes a sign-in that answered `SECOND_FACTOR_REQUIRED`, with a code or a recovery code. Answers
   * like the sign-in it completes (a cookie session, or a token pair the SDK then manages).
   *
   * @example
   * ```ts
   * const result = await sdk.authentication.completeSignin(challenge, { code: '492039' });
   * console.log(result.payload.user.email);
   * ```
   */
  async completeSignin(
    challenge: SecondFactorChallenge | string,
    proof: SecondFactorProof,
    options?: RequestOptions,
  ): Promise<SessionSignin | TokenSignin> {
    const body = { challenge: typeof challenge === 'string' ? challenge : challenge.challenge, ...proof };
    const response = await this.#anonymous<SessionSignin | TokenSignin>(
      '/api/signin/second-factor',
      body,
      options,
    );
    return isTokenGrant(response.payload)
      ? adoptTokenSignin(this.client, response as TokenSignin)
      : adoptSessionSignin(this.client, response as SessionSignin);
  }

  /**
   * Whether the signed-in user has a second factor, and how many recovery codes are left.
   *
   * @example
   * ```ts
   * const { enabled, recoveryCodesLeft } = await sdk.authentication.getSecondFactor();
   * ```
   */
  async getSecondFactor(options?: RequestOptions): Promise<SecondFactorStatus> {
    return this.client.request({ method: 'GET', path: '/api/me/second-factor', options });
  }

  /**
   * Starts TOTP enrolment: show `otpauthUri` as a QR code, then confirm with the app's first code.
   *
   * @example
   * ```ts
   * const { otpauthUri, secret } = await sdk.authentication.enrolTotp();
   * ```
   */
  async enrolTotp(options?: RequestOptions): Promise<TotpEnrolment> {
    return this.client.request({ method: 'POST', path: '/api/me/second-factor/totp', options });
  }

  /**
   * Confirms enrolment with the first code; returns the ten recovery codes, shown only this once.
   *
   * @example
   * ```ts
   * const recoveryCodes = await sdk.authentication.confirmTotp('492039');
   * ```
   */
  async confirmTotp(code: string, options?: RequestOptions): Promise<string[]> {
    const { recoveryCodes } = await this.client.request<{ recoveryCodes: string[] }>({
      method: 'POST',
      path: '/api/me/second-factor/totp/confirm',
      body: { code },
      options,
    });
    return recoveryCodes;
  }

  /**
   * Turns the second factor off, with a current code or recovery code, or the password / a recent sign-in.
   *
   * @example
   * ```ts
   * await sdk.authentication.disableSecondFactor({ code: '492039' });
   * ```
   */
  async disableSecondFactor(proof: SensitiveChangeProof, options?: RequestOptions): Promise<void> {
    await this.client.request({
      method: 'POST',
      path: '/api/me/second-factor/disable',
      body: proof,
      options,
    });
  }

  /**
   * Replaces the recovery codes (the old ones stop working); same proof as turning the factor off.
   *
   * @example
   * ```ts
   * const fresh = await sdk.authentication.regenerateRecoveryCodes({ password: 'correct horse battery' });
   * ```
   */
  async regenerateRecoveryCodes(proof: SensitiveChangeProof, options?: RequestOptions): Promise<string[]> {
    const { recoveryCodes } = await this.client.request<{ recoveryCodes: string[] }>({
      method: 'POST',
      path: '/api/me/second-factor/recovery-codes',
      body: proof,
      options,
    });
    return recoveryCodes;
  }

  /**
   * Deletes the signed-in account (recent sign-in or password required). Refused with `LAST_OWNER` while
   * it is the only owner of a workspace, unless `soleOwnedWorkspaces: 'delete'`. Local credentials are
   * forgotten.
   *
   * @example
   * ```ts
   * await sdk.authentication.deleteAccount({ password: 'correct horse battery' });
   * ```
   */
  async deleteAccount(
    confirm: { password?: string; soleOwnedWorkspaces?: 'refuse' | 'delete' } = {},
    options?: RequestOptions,
  ): Promise<void> {
    await this.client.request({ method: 'DELETE', path: '/api/me', body: confirm, options });
    await this.client.forgetCredentials();
  }

  /**
   * Everything the server keeps about the signed-in account, without secrets (GDPR export).
   *
   * @example
   * ```ts
   * const data = await sdk.authentication.exportAccountData();
   * await writeFile('my-account.json', JSON.stringify(data, null, 2));
   * ```
   */
  async exportAccountData(options?: RequestOptions): Promise<AccountExport> {
    return this.client.request({ method: 'GET', path: '/api/me/export', options });
  }

  #anonymous<T>(path: string, body: unknown, options: RequestOptions | undefined): Promise<T> {
    return this.client.request<T>({ method: 'POST', path, body, anonymous: true, options });
  }
}
