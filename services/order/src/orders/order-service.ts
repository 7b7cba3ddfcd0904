import { fromCents, toCents, type CreateOrder, type ListOrdersQuery, type Order, type OrderPage } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { NewOrderLine, OrderRecord, OrderRepository } from './order-repository.js';
import { illegalTransition, orderTransitions, type OrderAction } from './order-transitions.js';

function toOrder(record: OrderRecord): Order {
  return {
    order_id: record.id,
    user_id: record.userId,
    session_id: record.sessionId,
    status: record.status,
    currency: record.currency,
    total: fromCents(record.totalCents),
    transaction_id: record.transactionId,
    lines: record.lines.map((line) => ({
      product_id: line.productId,
      name: line.name,
      unit_price: fromCents(line.unitPriceCents),
      quantity: line.quantity,
      line_total: fromCents(line.unitPriceCents * line.quantity),
    })),
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

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

export function createOrderService(dependencies: { orders: OrderRepository }) {
  const { orders } = dependencies;

  async function find(orderId: string) {
    const record = await orders.findById(orderId);
    if (!record) throw notFound(orderId);
    return record;
  }

  /** Applies one lifecycle move; repeating a move that already happened returns the order unchanged. */
  async function move(orderId: string, action: OrderAction, transactionId?: string): Promise<Order> {
    const { from, to } = orderTransitions[action];
    const moved = await orders.moveStatus(orderId, from, to, transactionId ? { transactionId } : {});
    if (moved) return toOrder(moved);
    // The move did not apply; statuses never return to an earlier one, so what we read now explains why.
    const current = await find(orderId);
    if (current.status !== to) throw illegalTransition(orderId, current.status, to);
    if (transactionId && current.transactionId !== transactionId) {
      throw AppError.conflict(`Order ${orderId} is already paid by transaction ${current.transactionId}, not ${transactionId}`, {
        order_id: orderId,
        transaction_id: current.transactionId,
      });
    }
    return toOrder(current);
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
        throw AppError.conflict(`Order ${input.order_id} was cancelled before it was created`, { order_id: input.order_id, status: 'cancelled' });
      }
      if (!sameContent(existing, input, lines)) {
        throw AppError.conflict(`Order ${input.order_id} already exists with different content`, { order_id: input.order_id });
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

    confirm: (orderId: string, transactionId: string) => move(orderId, 'confirm', transactionId),
    /** Cancelling an id that has no order yet is remembered (still a 404), so the order cannot be created after it. */
    async cancel(orderId: string): Promise<Order> {
      if (!(await orders.findById(orderId)) && (await orders.insertPlaceholder(orderId))) throw notFound(orderId);
      return move(orderId, 'cancel');
    },
    refund: (orderId: string) => move(orderId, 'refund'),
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
