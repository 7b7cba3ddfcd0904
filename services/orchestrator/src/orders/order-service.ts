import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  errorCodes,
  type Order,
  type OrderOperationResult,
  type OrderPage,
  type RefundQuote,
  type ReturnLines,
} from '@ecomm/contracts';
import { AppError, isAppError } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';
import type { Fault } from '../saga/fault-injection.js';
import type { SagaFailure, SagaOutcome } from '../saga/saga-definition.js';
import type { SagaRunner } from '../saga/saga-runner.js';
import type { CancellationData, CancellationInput } from './cancellation-saga.js';
import { operationSagaId } from './operation-id.js';
import type { ReturnData, ReturnInput } from './return-saga.js';

export type OrderOperation = 'cancellation' | 'return';

export interface OrderOperationObserver {
  finished: (operation: OrderOperation, outcome: 'completed' | 'processing' | 'refused' | 'failed') => void;
}

export interface OrderOperationOptions {
  fault?: Fault;
  /**
   * The caller's id of this operation (a tool call, a confirmation, an Idempotency-Key): the same id answers with
   * the first run's result instead of starting another, so a replayed call never refunds twice.
   */
  operationId?: string;
}

/** A refusal (already shipped, outside the window...) is answered as the order service worded it; anything else is a 502. */
function failureToError(operation: OrderOperation, sagaId: string, failure: SagaFailure, undone: boolean): AppError {
  if (failure.statusCode < 500 && failure.code !== errorCodes.INTERRUPTED)
    return new AppError(failure.statusCode, failure.code, failure.message, failure.details);
  const aftermath = undone
    ? 'Nothing was refunded and the order is as it was; try again.'
    : 'Undoing it is not finished; it has been reported.';
  return AppError.upstream(`The ${operation} could not be completed: ${failure.message}. ${aftermath}`, {
    saga_id: sagaId,
  });
}

/**
 * What a shopper can do with their orders after buying. The HTTP API, the chat tools and the MCP tools all call
 * these: the user always comes from the request, amounts always from the order (the order service computes them).
 */
export function createOrderService(dependencies: {
  clients: DomainClients;
  cancellations: SagaRunner<CancellationInput, CancellationData>;
  returns: SagaRunner<ReturnInput, ReturnData>;
  observer: OrderOperationObserver;
}) {
  const { clients, cancellations, returns, observer } = dependencies;

  /** The order, if it is the user's; another user's order is as unknown as a missing one. */
  async function getOrder(userId: string, orderId: string): Promise<Order> {
    const notFound = AppError.notFound(`Order ${orderId} not found`);
    try {
      const order = await clients.orders.get(orderId);
      if (order.user_id !== userId) throw notFound;
      return order;
    } catch (error) {
      if (isAppError(error) && error.statusCode === 404) throw notFound;
      throw error;
    }
  }

  async function conclude(
    operation: OrderOperation,
    sagaId: string,
    orderId: string,
    outcome: SagaOutcome<{ order: Order; refundAmount: number; payment: unknown }>,
  ): Promise<OrderOperationResult> {
    if (outcome.status === 'completed' || outcome.status === 'running' || outcome.status === 'needs_attention') {
      const status = outcome.status === 'completed' ? 'completed' : 'processing';
      observer.finished(operation, status);
      const order =
        outcome.status === 'completed' && outcome.data.order ? outcome.data.order : await clients.orders.get(orderId);
      return { status, saga_id: sagaId, order_id: orderId, refund_amount: outcome.data.refundAmount ?? 0, order };
    }
    observer.finished(operation, outcome.failure.statusCode < 500 ? 'refused' : 'failed');
    throw failureToError(operation, sagaId, outcome.failure, outcome.status === 'compensated');
  }

  /**
   * Runs the operation once per caller's id: a replay gets the first run's outcome (checked before the rules, which
   * would now refuse what was already done); two racing calls with one id meet at the run's primary key.
   */
  async function runOnce<Input, Data>(
    runner: SagaRunner<Input, Data>,
    operation: OrderOperation,
    userId: string,
    orderId: string,
    options: OrderOperationOptions,
    checkRules: () => Promise<unknown>,
    input: Input,
  ): Promise<{ sagaId: string; outcome: SagaOutcome<Data> }> {
    const { operationId } = options;
    let sagaId: string = randomUUID();
    // A run undone entirely (nothing refunded) is tried again, as a 5xx is, under the id's next attempt.
    for (let attempt = 0; operationId; attempt++) {
      sagaId = operationSagaId({ userId, operation, orderId, operationId, attempt });
      const earlier = await runner.earlierRun(sagaId);
      if (!earlier) break;
      if (earlier.outcome.status === 'compensated') continue;
      // The id names one request: sent again with another (an Idempotency-Key whose stored answer expired, reused for
      // other lines), it would otherwise be answered with the first run's result, the new request never made.
      if (!isDeepStrictEqual(earlier.input, input)) {
        throw AppError.unprocessable(
          `"${operationId}" already names another ${operation} of order ${orderId}; use a new Idempotency-Key for this one`,
        );
      }
      return { sagaId, outcome: earlier.outcome };
    }
    // Refused at once when the rules say no, so a refusal leaves no saga run behind.
    await checkRules();
    try {
      return { sagaId, outcome: await runner.start(sagaId, input, options.fault) };
    } catch (error) {
      const raced = operationId ? await runner.outcomeOf(sagaId) : undefined;
      if (raced) return { sagaId, outcome: raced };
      throw error;
    }
  }

  return {
    getOrder,

    /** The user's orders, newest first. */
    async listOrders(userId: string, page: { limit?: number; offset?: number } = {}): Promise<OrderPage> {
      return clients.orders.list(userId, { limit: page.limit ?? 20, offset: page.offset ?? 0 });
    },

    /** What cancelling would refund (the whole order), or a 409 saying why it cannot be cancelled. */
    async previewCancel(userId: string, orderId: string): Promise<RefundQuote> {
      await getOrder(userId, orderId);
      return clients.orders.quoteCancellation(orderId);
    },

    async cancelOrder(
      userId: string,
      orderId: string,
      options: OrderOperationOptions = {},
    ): Promise<OrderOperationResult> {
      await getOrder(userId, orderId);
      const checkRules = () => clients.orders.quoteCancellation(orderId);
      const { sagaId, outcome } = await runOnce(cancellations, 'cancellation', userId, orderId, options, checkRules, {
        user_id: userId,
        order_id: orderId,
      });
      return conclude('cancellation', sagaId, orderId, outcome);
    },

    /** What returning these units would refund, or a 409 saying why they cannot be returned. */
    async previewReturn(userId: string, orderId: string, lines: ReturnLines): Promise<RefundQuote> {
      await getOrder(userId, orderId);
      return clients.orders.quoteReturn(orderId, lines);
    },

    async returnItems(
      userId: string,
      orderId: string,
      lines: ReturnLines,
      options: OrderOperationOptions = {},
    ): Promise<OrderOperationResult> {
      await getOrder(userId, orderId);
      const checkRules = () => clients.orders.quoteReturn(orderId, lines);
      const { sagaId, outcome } = await runOnce(returns, 'return', userId, orderId, options, checkRules, {
        user_id: userId,
        order_id: orderId,
        lines,
      });
      return conclude('return', sagaId, orderId, outcome);
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
