import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import type { SecondFactorService } from './service.js';

const Code = Type.String({ minLength: 1, maxLength: 16 });
const Proof = Type.Object(
  {
    code: Type.Optional(Code),
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);

const Status = Type.Object({
  enabled: Type.Boolean(),
  pending: Type.Boolean(),
  recoveryCodesLeft: Type.Integer(),
});
const Enrolment = Type.Object({ secret: Type.String(), otpauthUri: Type.String() });
const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
const ConfirmBody = Type.Object({ code: Code }, { additionalProperties: false });

const emptyBody = async (request: { body: unknown }) => {
  request.body ??= {};
};

/**
 * The user's own second factor. Never with an API token (a leaked token must not turn it off), and
 * reachable while the "second factor required" policy waits for the user to enrol.
 */
export async function secondFactorRoutes(
  plugin: FastifyInstance,
  { secondFactor }: { secondFactor: SecondFactorService },
): Promise<void> {
  // Handlers are typed by their schemas: the bodies are a code or a Proof.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const guard = requireAuth({ refuse: ['api_token'] });
  const enrolment = { allowWithoutSecondFactor: true };

  app.get(
    '/api/me/second-factor',
    { schema: { response: { 200: Status } }, preHandler: guard, config: enrolment },
    async (request) => secondFactor.status(authOf(request).user.id),
  );

  app.post(
    '/api/me/second-factor/totp',
    { schema: { response: { 201: Enrolment } }, preHandler: guard, config: enrolment },
    async (request, reply) => {
      const enrolled = await secondFactor.enrol(authOf(request));
      reply.status(201).header('cache-control', 'no-store');
      return enrolled;
    },
  );

  app.post(
    '/api/me/second-factor/totp/confirm',
    { schema: { body: ConfirmBody, response: { 200: RecoveryCodes } }, preHandler: guard, config: enrolment },
    async (request, reply) => {
      const codes = await secondFactor.confirm(authOf(request), request.body.code);
      reply.header('cache-control', 'no-store');
      return { recoveryCodes: codes };
    },
  );

  app.post(
    '/api/me/second-factor/recovery-codes',
    {
      schema: { body: Proof, response: { 200: RecoveryCodes } },
      preHandler: guard,
      preValidation: emptyBody,
    },
    async (request, reply) => {
      const codes = await secondFactor.regenerateRecoveryCodes(authOf(request), request.body);
      reply.header('cache-control', 'no-store');
      return { recoveryCodes: codes };
    },
  );

  app.post(
    '/api/me/second-factor/disable',
    {
      schema: { body: Proof, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: guard,
      preValidation: emptyBody,
    },
    async (request) => {
      await secondFactor.disable(authOf(request), request.body);
      return { message: 'The second factor is off' };
    },
  );
}
