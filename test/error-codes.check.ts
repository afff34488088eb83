/**
 * Compile-time check that the SDK's error-code union and the server's error registry list the same codes
 * (issue 9 item 15). `npm run typecheck` compiles this file: a code the server answers with that the SDK
 * does not name, or a code the SDK names that the server never sends, fails with the code in the message.
 */
import type { GatehouseServerErrorCode } from '../packages/sdk/src/index.js';
import type { ErrorCode } from '../packages/server/src/lib/error-codes.js';

/** `true` when nothing is missing; otherwise the missing codes, which then fail the assignment below. */
type NoneMissing<Missing> = [Missing] extends [never] ? true : { missing: Missing };

const serverCodesTheSdkLacks: NoneMissing<Exclude<ErrorCode, GatehouseServerErrorCode>> = true;
const sdkCodesTheServerNeverSends: NoneMissing<Exclude<GatehouseServerErrorCode, ErrorCode>> = true;

export default [serverCodesTheSdkLacks, sdkCodesTheServerNeverSends];
