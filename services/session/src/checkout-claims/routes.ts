import { checkoutClaimRequestSchema, checkoutClaimSchema, clientIdSchema } from '@ecomm/contracts';
import type { ServiceApp } from '@ecomm/platform';
import { sessionParamsSchema } from '../carts/routes.js';
import type { ClaimService } from './claim-service.js';

const claimParamsSchema = sessionParamsSchema.extend({ claim_id: clientIdSchema });
const claimResponses = { 200: checkoutClaimSchema };

export async function claimRoutes(app: ServiceApp, options: { claims: ClaimService }) {
  const { claims } = options;

  app.post(
    '/:session_id/checkout-claims',
    {
      schema: {
        params: sessionParamsSchema,
        body: checkoutClaimRequestSchema,
        response: { ...claimResponses, 201: checkoutClaimSchema },
      },
    },
    async (request, reply) => {
      const { session_id: sessionId } = request.params;
      const { claim, created } = await claims.claim(sessionId, request.body.claim_id, request.body.user_id);
      return reply.status(created ? 201 : 200).send(claim);
    },
  );

  app.get(
    '/:session_id/checkout-claims/:claim_id',
    { schema: { params: claimParamsSchema, response: claimResponses } },
    async (request) => claims.get(request.params.session_id, request.params.claim_id),
  );

  app.post(
    '/:session_id/checkout-claims/:claim_id/release',
    { schema: { params: claimParamsSchema, response: claimResponses } },
    async (request) => claims.release(request.params.session_id, request.params.claim_id),
  );

  app.post(
    '/:session_id/checkout-claims/:claim_id/complete',
    { schema: { params: claimParamsSchema, response: claimResponses } },
    async (request) => claims.complete(request.params.session_id, request.params.claim_id),
  );
}
