import { randomUUID } from 'node:crypto';
import { isUnanswered, type CheckoutProcessing, type CheckoutReceipt } from '@ecomm/contracts';
import { AppError, type Logger } from '@ecomm/platform';
import type { Fault } from '../saga/fault-injection.js';
import { createPivotGate } from '../saga/pivot-gate.js';
import type { SagaFailure, SagaOutcome } from '../saga/saga-definition.js';
import type { SagaRunner } from '../saga/saga-runner.js';
import type { CheckoutData, CheckoutInput } from './checkout-saga.js';

/** What the routes and tools pass in: camelCase TypeScript; the answer is the API's JSON (snake_case). */
export interface CheckoutRequest {
  userId: string;
  /** Its cart must be the user's: the saga's claim checks that (403) and that it exists (404) before claiming it. */
  sessionId: string;
  paymentSimulation?: string;
  /** The total the shopper confirmed; the checkout refuses, before any charge, a cart that no longer comes to it. */
  expectedTotal?: number;
  fault?: Fault;
}

export interface CheckoutObserver {
  finished: (
    status: 'completed' | 'failed' | 'compensation_failed' | 'processing' | 'needs_attention',
    seconds: number,
  ) => void;
  /** An order paid and confirmed by this checkout. */
  paid?: (orderId: string) => void;
}

// A 400 from a service is our own request it found invalid: its wording names internal fields, not the shopper's cart.
const requestRejected = (failure: SagaFailure) => failure.statusCode === 400;

/**
 * Said when the run ended compensation_failed: what is still held stays held until a retry (the sweep's, or an
 * operator's) undoes it.
 */
const notUndone = 'Undoing the checkout is not finished, so the cart stays held until it is; this has been reported.';

// A claim the session service refused (an empty cart, another checkout's, another user's) was never made: such a run
// holds nothing of the shopper's; what is left undone (the void of a charge never made) is the retries', not theirs.
// "Still in progress" is no refusal: that claim may yet be made.
const claimRefused = (failure: SagaFailure) =>
  failure.step === 'claim_cart' && failure.statusCode < 500 && !isUnanswered(failure.code);

/** `text` ending in one full stop, whether or not it had one. */
const sentence = (text: string) => text.replace(/\.?$/, '.');

/**
 * A refusal from a service (empty cart, short stock, declined card) is answered as is; a request a service found
 * invalid is told in the shopper's words (the detail stays in the run and the log); anything else is a 502. Each
 * says so when the run could not be wholly undone and may still hold the cart.
 */
function failureToError(sagaId: string, sessionId: string, failure: SagaFailure, compensated: boolean): AppError {
  const undone = compensated || claimRefused(failure);
  const aftermath = undone ? 'Nothing was charged and the cart is unchanged.' : notUndone;
  // The claim is where a missing cart is found (and another user's refused): told as /checkout always told it.
  if (failure.step === 'claim_cart' && failure.statusCode === 404)
    return AppError.notFound(`Session ${sessionId} not found`);
  if (requestRejected(failure)) {
    return new AppError(
      422,
      'CHECKOUT_NOT_POSSIBLE',
      `This cart cannot be checked out as it is (reference ${sagaId}). ${aftermath}`,
      { saga_id: sagaId },
    );
  }
  if (failure.statusCode < 500) {
    const message = undone ? failure.message : `${sentence(failure.message)} ${notUndone}`;
    return new AppError(failure.statusCode, failure.code, message, failure.details);
  }
  return AppError.upstream(
    `Checkout failed at ${failure.step.replaceAll('_', ' ')}: ${sentence(failure.message)} ${aftermath}`,
    { saga_id: sagaId },
  );
}

/** The run's outcome, or undefined if it is still going at the deadline (it goes on regardless). */
async function byDeadline<Outcome>(run: Promise<Outcome>, deadlineMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deadlineMs)));
  try {
    return await Promise.race([run, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function createCheckoutService(dependencies: {
  runner: SagaRunner<CheckoutInput, CheckoutData>;
  observer: CheckoutObserver;
  logger: Logger;
  /** The caller has an answer by then, whatever the services do; the run goes on in the background or the sweep. */
  deadlineMs: number;
}) {
  const { runner, observer, logger, deadlineMs } = dependencies;

  /** The run outlived the deadline: stopped before the payment (503), or left to finish once it may have charged (202). */
  function pastDeadline(
    sagaId: string,
    orderId: string,
    run: Promise<SagaOutcome<CheckoutData>>,
    stopped: boolean,
    seconds: number,
  ): CheckoutProcessing {
    void run
      .then((outcome) => {
        if (outcome.status === 'completed') observer.paid?.(orderId);
        logger.info({ sagaId, status: outcome.status }, 'checkout run finished after its deadline');
      })
      .catch((error: unknown) =>
        logger.error({ sagaId, err: error }, 'checkout run failed after its deadline; the sweep takes it up'),
      );
    if (stopped) {
      observer.finished('failed', seconds);
      throw new AppError(
        503,
        'CHECKOUT_TIMED_OUT',
        `The checkout took too long because a service is not answering, and was stopped before payment (reference ${sagaId}). ` +
          `Nothing was charged and the cart is being restored; please try again in a minute.`,
        { saga_id: sagaId },
      );
    }
    observer.finished('processing', seconds);
    return { status: 'processing', saga_id: sagaId, order_id: orderId };
  }

  return {
    async checkout(request: CheckoutRequest): Promise<CheckoutReceipt | CheckoutProcessing> {
      const started = performance.now();
      const sagaId = randomUUID();
      const input: CheckoutInput = {
        user_id: request.userId,
        session_id: request.sessionId,
        order_id: randomUUID(),
        claim_id: `checkout-${sagaId}`,
        ...(request.paymentSimulation ? { payment_simulation: request.paymentSimulation } : {}),
        ...(request.expectedTotal !== undefined ? { expected_total: request.expectedTotal } : {}),
      };
      const gate = createPivotGate();
      const run = runner.start(sagaId, input, request.fault, gate);
      const outcome = await byDeadline(run, deadlineMs - (performance.now() - started));
      const seconds = (performance.now() - started) / 1000;
      if (!outcome) return pastDeadline(sagaId, input.order_id, run, gate.shut(), seconds);

      // Left running before its payment (its record could not be written, or another process took it over): it
      // will never charge now, and whoever takes it up undoes it.
      if (outcome.status === 'running' && gate.shut()) {
        observer.finished('failed', seconds);
        throw new AppError(
          503,
          'CHECKOUT_INTERRUPTED',
          `The checkout was interrupted before payment (reference ${sagaId}). ` +
            'Nothing was charged and the cart is being restored; please try again in a minute.',
          { saga_id: sagaId },
        );
      }
      // Paid, and the order will be finished by the sweep or, for a run that needs attention, by an operator.
      if (outcome.status === 'running' || outcome.status === 'needs_attention') {
        observer.finished(outcome.status === 'running' ? 'processing' : 'needs_attention', seconds);
        return { status: 'processing', saga_id: sagaId, order_id: input.order_id };
      }
      if (outcome.status !== 'completed') {
        observer.finished(outcome.status === 'compensated' ? 'failed' : 'compensation_failed', seconds);
        if (requestRejected(outcome.failure))
          logger.error({ sagaId, failure: outcome.failure }, 'a service rejected a checkout request as invalid');
        throw failureToError(sagaId, input.session_id, outcome.failure, outcome.status === 'compensated');
      }
      observer.finished('completed', seconds);
      const order = outcome.data.order!;
      observer.paid?.(order.order_id);
      return {
        status: 'completed',
        saga_id: sagaId,
        order_id: order.order_id,
        transaction_id: outcome.data.payment!.transaction_id,
        total_paid: order.total,
        items: order.lines.map((line) => ({
          product_id: line.product_id,
          name: line.name,
          quantity: line.quantity,
          unit_price: line.unit_price,
          line_total: line.line_total,
        })),
      };
    },
  };
}

export type CheckoutService = ReturnType<typeof createCheckoutService>;
