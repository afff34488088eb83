import { Integrations } from '@gatehouse/sdk/integrations';
import { sdk } from './sdk.js';

/** Social providers and OAuth clients, from the SDK's separate admin entry point, on the console's session. */
export const integrations = new Integrations(sdk);

/** One entry per line (or comma), trimmed, blanks dropped: how the forms take lists of URLs. */
export const lines = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
