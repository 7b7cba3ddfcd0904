import { STATUS_CODES } from 'node:http';
import {
  createPaymentSchema,
  createRefundSchema,
  listPaymentsQuerySchema,
  orderIdParamsSchema,
  paymentDeclinedSchema,
  paymentListSchema,
  paymentSchema,
  paymentSimulationHeader,
  refundParamsSchema,
  transactionIdParamsSchema,
  type CreatePayment,
  type PaymentDeclined,
} from '@ecomm/contracts';
import { readWithClaim, type ServiceApp } from '@ecomm/platform';
import { readSimulation } from './payment-gateway.js';
import type { PaymentService } from './payment-service.js';

export interface PaymentRoutesOptions {
  payments: PaymentService;
  simulationEnabled: boolean;
}

export async function paymentRoutes(app: ServiceApp, options: PaymentRoutesOptions) {
  const { payments } = options;
  const params = transactionIdParamsSchema;

  // The charge's first read (is the order voided, or captured?) claims its key in the same statement.
  const blockersWithClaim = readWithClaim((request, claim) =>
    payments.chargeBlockers((request.body as CreatePayment).order_id, claim),
  );

  app.post(
    '/',
    {
      // The charge waits on the gateway (seconds, a network call): its key is claimed and answered in transactions of
      // their own, none held open meanwhile.
      config: { idempotency: 'separate-transactions', claimedWith: blockersWithClaim.claimingWith },
      schema: { body: createPaymentSchema, response: { 201: paymentSchema, 402: paymentDeclinedSchema } },
    },
    async (request, reply) => {
      const simulation = readSimulation(request.headers[paymentSimulationHeader], options.simulationEnabled);
      const payment = await payments.charge(request.body, simulation, blockersWithClaim.of(request));
      if (payment.status !== 'declined') return reply.status(201).send(payment);
      const reason = payment.reason ?? 'Payment declined';
      const declined: PaymentDeclined = {
        statusCode: 402,
        error: STATUS_CODES[402] ?? 'Payment Required',
        code: 'PAYMENT_DECLINED',
        message: reason,
        status: 'declined',
        reason,
        transaction_id: payment.transaction_id,
      };
      return reply.status(402).send(declined);
    },
  );

  app.get(
    '/',
    { schema: { querystring: listPaymentsQuerySchema, response: { 200: paymentListSchema } } },
    async (request) => payments.listForOrder(request.query.order_id),
  );

  app.get('/:transaction_id', { schema: { params, response: { 200: paymentSchema } } }, async (request) =>
    payments.get(request.params.transaction_id),
  );

  app.post(
    '/:transaction_id/refunds',
    { schema: { params, body: createRefundSchema, response: { 200: paymentSchema, 201: paymentSchema } } },
    async (request, reply) => {
      const { payment, created } = await payments.refund(request.params.transaction_id, request.body);
      return reply.status(created ? 201 : 200).send(payment);
    },
  );

  app.post(
    '/:transaction_id/refunds/:refund_id/void',
    { schema: { params: refundParamsSchema, response: { 200: paymentSchema } } },
    async (request) => payments.voidRefund(request.params.transaction_id, request.params.refund_id),
  );

  app.post(
    '/orders/:order_id/void',
    { schema: { params: orderIdParamsSchema, response: { 200: paymentListSchema } } },
    async (request) => payments.voidOrder(request.params.order_id),
  );
}
