// A script (CI job, cron) that acts with an API token: create one in the console (Profile → API tokens)
// or with POST /api/me/api-tokens, then: GATEHOUSE_API_TOKEN=… node examples/api-token-script/report.mjs
import { GatehouseSDK } from '@gatehouse/sdk';

const apiToken = process.env.GATEHOUSE_API_TOKEN;
if (!apiToken) {
  console.error('Set GATEHOUSE_API_TOKEN to an API token (docs/api-tokens.md)');
  process.exit(1);
}
const sdk = new GatehouseSDK({ appUrl: process.env.GATEHOUSE_URL ?? 'http://localhost:3000', apiToken });
const me = await sdk.authentication.getLoggedInUser();
const workspaces = await sdk.workspaces.getList();
console.log(`signed in as ${me.email}`);
for (const workspace of workspaces) console.log(`workspace ${workspace.name} (${workspace._id})`);
