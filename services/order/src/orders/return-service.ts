import { fromCents, type OrderReturn, type RefundQuote, type ReturnLines } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { OrderRecord, OrderRepository } from './order-repository.js';
import { mergeReturnLines, returnRefusal } from './order-rules.js';
import { statusAfterReturns } from './order-transitions.js';
import { quoteFor, toOrder } from './order-view.js';
import type { ReturnRecord, ReturnRepository, ReturnStore } from './return-repository.js';

type Units = ReturnType<typeof mergeReturnLines>;

const sameUnits = (stored: ReturnRecord, units: Units) =>
  stored.lines.length === units.length &&
  stored.lines.every(
    (line, index) => line.productId === units[index]?.productId && line.quantity === units[index]?.quantity,
  );

/**
 * Returns of delivered units: started (the units are counted as returned at once, so they cannot be returned twice),
 * then completed once refunded, or aborted (the units count again) when undone before the refund.
 */
export function createReturnService(dependencies: {
  orders: OrderRepository;
  returns: ReturnRepository;
  returnWindowDays: number;
}) {
  const { orders, returns, returnWindowDays } = dependencies;

  function view(order: OrderRecord, stored: ReturnRecord): OrderReturn {
    const { amountCents: _amountCents, ...quote } = quoteFor(order, stored.lines);
    return {
      ...quote,
      refund_amount: fromCents(stored.amountCents),
      return_id: stored.id,
      status: stored.status,
      order: toOrder(order, returnWindowDays),
    };
  }

  async function locked(store: ReturnStore, orderId: string) {
    const order = await store.lockOrder(orderId);
    if (!order) throw AppError.notFound(`Order ${orderId} not found`);
    return order;
  }

  async function ownReturn(store: ReturnStore, orderId: string, returnId: string) {
    const stored = await store.findReturn(returnId);
    if (!stored || stored.orderId !== orderId)
      throw AppError.notFound(`Return ${returnId} of order ${orderId} not found`);
    return stored;
  }

  /** Moves a started return to `status`, giving its units back first when it is aborted; repeats change nothing. */
  async function finish(orderId: string, returnId: string, status: 'completed' | 'aborted'): Promise<OrderReturn> {
    return returns.transaction(async (store) => {
      let order = await locked(store, orderId);
      // Aborting a return not started yet calls it off: its start may still be on its way (sent by a process that
      // lost the saga run) and must not count its units, never to be refunded, when it lands. The order's lock
      // queues the two.
      if (status === 'aborted' && !(await store.findReturn(returnId))) await store.insertCalledOff(returnId, orderId);
      const stored = await ownReturn(store, orderId, returnId);
      if (stored.status === 'in_progress') {
        if (status === 'aborted') {
          await store.countReturned(orderId, stored.lines, -1);
          order = await locked(store, orderId);
          await store.setStatus(orderId, statusAfterReturns(order.lines));
          order = await locked(store, orderId);
        }
        await store.setReturnStatus(returnId, status);
        return view(order, { ...stored, status });
      }
      if (stored.status !== status)
        throw AppError.conflict(`Return ${returnId} is already ${stored.status}`, { return_id: returnId });
      return view(order, stored);
    });
  }

  return {
    /** What returning these units would refund, or a 409 saying why they cannot be returned. */
    async quote(orderId: string, lines: ReturnLines): Promise<RefundQuote> {
      const order = await orders.findById(orderId);
      if (!order) throw AppError.notFound(`Order ${orderId} not found`);
      const units = mergeReturnLines(lines);
      const refused = returnRefusal(order, units, { returnWindowDays, now: new Date() });
      if (refused) throw refused;
      const { amountCents: _amountCents, ...quote } = quoteFor(order, units);
      return quote;
    },

    /** Starts a return under the caller's id; the same id with the same lines answers the same return. */
    async start(
      orderId: string,
      returnId: string,
      lines: ReturnLines,
    ): Promise<{ orderReturn: OrderReturn; created: boolean }> {
      const units = mergeReturnLines(lines);
      return returns.transaction(async (store) => {
        let order = await locked(store, orderId);
        const existing = await store.findReturn(returnId);
        if (existing) {
          if (existing.orderId === orderId && existing.status === 'aborted') {
            throw AppError.conflict(`Return ${returnId} was called off; use a new return id`, { return_id: returnId });
          }
          if (existing.orderId !== orderId || !sameUnits(existing, units)) {
            throw AppError.conflict(`Return ${returnId} already exists with different lines; use a new return id`, {
              return_id: returnId,
            });
          }
          return { orderReturn: view(order, existing), created: false };
        }
        const refused = returnRefusal(order, units, { returnWindowDays, now: new Date() });
        if (refused) throw refused;
        const { amountCents } = quoteFor(order, units);
        await store.insertReturn({ id: returnId, orderId, amountCents, lines: units });
        await store.countReturned(orderId, units, 1);
        order = await locked(store, orderId);
        await store.setStatus(orderId, statusAfterReturns(order.lines));
        order = await locked(store, orderId);
        const stored = (await store.findReturn(returnId))!;
        return { orderReturn: view(order, stored), created: true };
      });
    },

    complete: (orderId: string, returnId: string) => finish(orderId, returnId, 'completed'),
    abort: (orderId: string, returnId: string) => finish(orderId, returnId, 'aborted'),
  };
}

export type ReturnService = ReturnType<typeof createReturnService>;
