import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load.js';
import { LANDING_CSP, type LandingLink, landingPage } from './page.js';

/**
 * `GET /`: a small server-rendered page saying what this server is, with links to the console, the API
 * reference, the OpenID Connect discovery document and health. Rendered once at start: nothing in it
 * depends on the request, and nothing in it is secret.
 */
export async function landingRoutes(
  app: FastifyInstance,
  { config, consoleServed }: { config: Config; consoleServed: boolean },
): Promise<void> {
  const links: LandingLink[] = [
    consoleServed
      ? {
          href: '/console/',
          label: 'Web console',
          description: 'Sign in to manage your account, API tokens and workspaces.',
        }
      : {
          href: '/console/',
          label: 'Web console (not built)',
          description: 'Run npm run build and restart to serve it.',
        },
    {
      href: '/docs',
      label: 'API reference',
      description: 'Every endpoint, generated from the route schemas (OpenAPI 3.1 at /openapi.json).',
    },
    {
      href: '/.well-known/openid-configuration',
      label: 'OpenID Connect discovery',
      description: 'The metadata OAuth 2.0 and OpenID Connect clients configure themselves from.',
    },
    {
      href: '/health/ready',
      label: 'Health',
      description: 'Ready when the database answers (/health/live: the process is up).',
    },
  ];
  const html = landingPage(config.mail.productName, config.publicUrl.origin, links);
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', LANDING_CSP)
      .header('cache-control', 'no-cache')
      .send(html),
  );
}
