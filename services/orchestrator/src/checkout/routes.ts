import {
  checkoutProcessingSchema,
  checkoutReceiptSchema,
  checkoutRequestSchema,
  paymentSimulationHeader,
} from '@ecomm/contracts';
import type {} from '@fastify/rate-limit';
import { requireUser, type ServiceApp } from '@ecomm/platform';
import { faultHeader, parseFault } from '../saga/fault-injection.js';
import type { CheckoutService } from './checkout-service.js';

export interface CheckoutRoutesOptions {
  checkout: CheckoutService;
  paymentSimulation: boolean;
  faultInjection: boolean;
  rateLimit: { max: number; windowMs: number };
}

function header(value: string | string[] | undefined) {
  return typeof value === 'string' ? value : undefined;
}

export async function checkoutRoutes(app: ServiceApp, options: CheckoutRoutesOptions) {
  // Every attempt runs a saga (and leaves rows): limited per user, after the access guard has authenticated them.
  const limit = app.rateLimit({
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    keyGenerator: (request) => `checkout:user:${requireUser(request).id}`,
  });

  app.post(
    '/checkout',
    {
      config: { access: 'user' },
      onRequest: [limit],
      schema: { body: checkoutRequestSchema, response: { 201: checkoutReceiptSchema, 202: checkoutProcessingSchema } },
    },
    async (request, reply) => {
      const simulation = options.paymentSimulation ? header(request.headers[paymentSimulationHeader]) : undefined;
      const fault = options.faultInjection ? header(request.headers[faultHeader]) : undefined;
      const result = await options.checkout.checkout({
        userId: requireUser(request).id,
        sessionId: request.body.session_id,
        ...(simulation ? { paymentSimulation: simulation } : {}),
        ...(fault ? { fault: parseFault(fault) } : {}),
      });
      return reply.status(result.status === 'completed' ? 201 : 202).send(result);
    },
  );
}
