import {
  toCents,
  type CreateOrder,
  type ListOrdersQuery,
  type Order,
  type OrderPage,
  type RefundQuote,
} from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { MoveChanges, NewOrderLine, OrderRecord, OrderRepository } from './order-repository.js';
import { cancellationRefusal } from './order-rules.js';
import { illegalTransition, orderTransitions, type OrderAction } from './order-transitions.js';
import { quoteFor, toOrder as view } from './order-view.js';

function toLines(input: CreateOrder): NewOrderLine[] {
  return input.lines.map((line) => ({
    productId: line.product_id,
    name: line.name,
    unitPriceCents: toCents(line.unit_price),
    quantity: line.quantity,
  }));
}

function sameContent(existing: OrderRecord, input: CreateOrder, lines: NewOrderLine[]) {
  return (
    existing.userId === input.user_id &&
    existing.sessionId === input.session_id &&
    existing.lines.length === lines.length &&
    existing.lines.every(
      (line, index) =>
        line.productId === lines[index]?.productId &&
        line.name === lines[index]?.name &&
        line.unitPriceCents === lines[index]?.unitPriceCents &&
        line.quantity === lines[index]?.quantity,
    )
  );
}

const notFound = (orderId: string) => AppError.notFound(`Order ${orderId} not found`);

export function createOrderService(dependencies: { orders: OrderRepository; returnWindowDays: number }) {
  const { orders, returnWindowDays } = dependencies;
  const toOrder = (record: OrderRecord) => view(record, returnWindowDays);

  async function find(orderId: string) {
    const record = await orders.findById(orderId);
    if (!record) throw notFound(orderId);
    return record;
  }

  /**
   * Applies one lifecycle move; repeating a move that already happened returns the order unchanged. A move made for
   * a cancellation applies only to the order it holds (`heldBy`), and its repeat only counts for that cancellation.
   */
  async function move(
    orderId: string,
    action: OrderAction,
    changes: MoveChanges = {},
    heldBy?: string,
  ): Promise<Order> {
    const { from, to } = orderTransitions[action];
    const moved = await orders.moveStatus(orderId, from, to, changes, heldBy);
    if (moved) return toOrder(moved);
    // The move did not apply; what we read now explains why.
    const current = await find(orderId);
    if (changes.cancellationId && current.calledOffCancellations.includes(changes.cancellationId)) {
      throw AppError.conflict(`Cancellation ${changes.cancellationId} of order ${orderId} was called off`, {
        order_id: orderId,
        cancellation_id: changes.cancellationId,
      });
    }
    if (current.status !== to) throw illegalTransition(orderId, current.status, to);
    if (changes.transactionId && current.transactionId !== changes.transactionId) {
      throw AppError.conflict(
        `Order ${orderId} is already paid by transaction ${current.transactionId}, not ${changes.transactionId}`,
        {
          order_id: orderId,
          transaction_id: current.transactionId,
        },
      );
    }
    const cancellationId = changes.cancellationId ?? heldBy;
    if (cancellationId && current.cancellationId !== cancellationId) {
      throw AppError.conflict(`Order ${orderId} is already ${current.status} by another request`, {
        order_id: orderId,
        status: current.status,
      });
    }
    return toOrder(current);
  }

  /** The full refund of an order that may still be cancelled, or a 409 saying why it may not. */
  async function quoteCancellation(orderId: string): Promise<RefundQuote> {
    const record = await find(orderId);
    const refusal = cancellationRefusal(record);
    if (refusal) throw refusal;
    const { amountCents: _amountCents, ...quote } = quoteFor(record, record.lines);
    return quote;
  }

  return {
    /** Creates a pending order; the same order_id with the same content returns the first one. */
    async create(input: CreateOrder): Promise<{ order: Order; created: boolean }> {
      const lines = toLines(input);
      const totalCents = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
      const inserted = await orders.insert(
        { id: input.order_id, userId: input.user_id, sessionId: input.session_id, totalCents },
        lines,
      );
      if (inserted) return { order: toOrder(inserted), created: true };
      const existing = await orders.findById(input.order_id);
      // The id is taken but holds no order: it was cancelled first (a create that timed out and arrived late).
      if (!existing) {
        throw AppError.conflict(`Order ${input.order_id} was cancelled before it was created`, {
          order_id: input.order_id,
          status: 'cancelled',
        });
      }
      if (!sameContent(existing, input, lines)) {
        throw AppError.conflict(`Order ${input.order_id} already exists with different content`, {
          order_id: input.order_id,
        });
      }
      return { order: toOrder(existing), created: false };
    },

    async get(orderId: string): Promise<Order> {
      return toOrder(await find(orderId));
    },

    async list(query: ListOrdersQuery): Promise<OrderPage> {
      const { records, total } = await orders.listByUser(query.user_id, query);
      return { items: records.map(toOrder), total, limit: query.limit, offset: query.offset };
    },

    confirm: (orderId: string, transactionId: string) => move(orderId, 'confirm', { transactionId }),
    /** Cancelling an id that has no order yet is remembered (still a 404), so the order cannot be created after it. */
    async cancel(orderId: string): Promise<Order> {
      if (!(await orders.findById(orderId)) && (await orders.insertPlaceholder(orderId))) throw notFound(orderId);
      return move(orderId, 'cancel');
    },
    ship: (orderId: string) => move(orderId, 'ship', { shippedAt: new Date() }),
    deliver: (orderId: string) => move(orderId, 'deliver', { deliveredAt: new Date() }),

    quoteCancellation,
    /** Holds a paid order for one cancellation: from here a shipment is refused, and any other cancellation too. */
    async beginCancellation(orderId: string, cancellationId: string): Promise<Order> {
      const current = await find(orderId);
      if (current.cancellationId !== cancellationId) {
        const refusal = cancellationRefusal(current);
        if (refusal) throw refusal;
      }
      return move(orderId, 'beginCancellation', { cancellationId });
    },
    /**
     * Gives the order back to fulfilment: the cancellation was undone before its refund. It is called off first, held
     * or not: its hold may still be on its way (sent by a process that lost the saga run) and must not land after.
     */
    async abortCancellation(orderId: string, cancellationId: string): Promise<Order> {
      await orders.callOffCancellation(orderId, cancellationId);
      const current = await find(orderId);
      // Never held by this cancellation (its begin was refused), or already given back: nothing to undo.
      if (current.cancellationId !== cancellationId) return toOrder(current);
      return move(orderId, 'abortCancellation', { cancellationId: null }, cancellationId);
    },
    completeCancellation: (orderId: string, cancellationId: string) =>
      move(orderId, 'completeCancellation', {}, cancellationId),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
