import type { Payment } from '@ecomm/contracts';
import type { DomainClients } from '../clients/domain-clients.js';
import type { StepContext } from '../saga/saga-definition.js';
import { required, unanswered, unlessAbsent } from '../saga/step-helpers.js';

/** What the refund step needs from the steps before it: the paying transaction and the amount the order computed. */
export interface RefundData {
  transactionId: string;
  refundAmount: number;
  payment: Payment;
}

/**
 * Calls the saga's refund off at the payment service, for good: a refund of a process that lost the run, still on its
 * way, is then refused rather than made after the order was given back. The first step of both sagas does it before it
 * gives the order back, and keeps the order held when it fails (the refund may yet land), for a retry.
 * No transaction known: the first step never answered, so no refund was ever sent.
 */
export async function callOffRefund<Input, Data extends RefundData>(
  clients: DomainClients,
  { sagaId, data, idempotencyKey }: StepContext<Input, Data>,
) {
  if (data.transactionId)
    await unlessAbsent(clients.payments.voidRefund(data.transactionId, sagaId, idempotencyKey('call-off-refund')));
}

/**
 * The pivot of both after-purchase sagas: the refund, under the saga's id. Before it everything can be undone; once
 * it is made the saga only goes forward. A refund whose answer was lost is looked up by its id, never made twice.
 * Undoing the saga calls the refund off (`callOffRefund`, in the undo of the step before).
 */
export function refundStep<Input, Data extends RefundData>(clients: DomainClients) {
  const findRefund = async ({ sagaId, data }: StepContext<Input, Data>) => {
    const payment = await clients.payments.get(required(data.transactionId, 'transaction'));
    // Nothing to refund is a refund made: the steps after it may have run unrecorded (saga-runner), so a lookup that
    // found nothing here would undo a return whose units are back on the shelf.
    const made = data.refundAmount === 0 || payment.refunds.some((refund) => refund.refund_id === sagaId);
    return made ? ({ payment } as Partial<Data>) : undefined;
  };
  return {
    name: 'refund_payment',
    run: async ({ sagaId, data, idempotencyKey }: StepContext<Input, Data>) => {
      const transactionId = required(data.transactionId, 'transaction');
      const amount = required(data.refundAmount, 'refund amount');
      // Free items come back for nothing: there is no refund to make (a payment refund is at least a cent).
      if (amount === 0) return { payment: await clients.payments.get(transactionId) } as Partial<Data>;
      const payment = await clients.payments.refund(transactionId, sagaId, amount, idempotencyKey());
      return { payment } as Partial<Data>;
    },
    isInDoubt: unanswered,
    resolveInDoubt: findRefund,
  };
}
