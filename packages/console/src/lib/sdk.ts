import { GatehouseSDK } from '@gatehouse/sdk';

/**
 * The console's one SDK instance. The console is served by the Gatehouse it administers, so it signs in
 * with an HttpOnly cookie session on the same origin: no token is ever readable by page script.
 */
export const sdk = new GatehouseSDK({ appUrl: location.origin, mode: 'session', credentials: 'same-origin' });
