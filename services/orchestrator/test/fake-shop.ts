import { randomUUID } from 'node:crypto';
import type {
  Cart,
  CheckoutClaim,
  Order,
  OrderReturn,
  Payment,
  Product,
  RefundQuote,
  Reservation,
  ReturnLines,
} from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';
import type { DomainClients } from '../src/clients/domain-clients.js';

/** One call the orchestrator made to a domain service, e.g. `carts.addItem` with its arguments. */
export interface ShopCall {
  name: string;
  args: unknown[];
}

const now = () => new Date().toISOString();
const notFaked = (name: string) => () => Promise.reject(new Error(`${name} is not part of the fake shop`));
const cents = (amount: number) => Math.round(amount * 100) / 100;

/** Every method of every group records its call before it runs. */
function recording<Clients extends object>(
  clients: Clients,
  calls: ShopCall[],
  onCall: (name: string) => void,
): Clients {
  return Object.fromEntries(
    Object.entries(clients).map(([group, methods]) => [
      group,
      typeof methods === 'function'
        ? methods
        : Object.fromEntries(
            Object.entries(methods as Record<string, (...args: unknown[]) => unknown>).map(([name, method]) => [
              name,
              (...args: unknown[]) => {
                calls.push({ name: `${group}.${name}`, args });
                onCall(`${group}.${name}`);
                return method(...args);
              },
            ]),
          ),
    ]),
  ) as Clients;
}

/**
 * The domain services in memory, behind the orchestrator's own client interface: the rules the tools and sagas rely
 * on (stock, claims, order states, refunds), none of the HTTP. `calls` lists what was asked, in order.
 */
export function createFakeShop(catalog: { name: string; price: number; stock: number; category?: string }[]) {
  const calls: ShopCall[] = [];
  const products = new Map<number, Product>(
    catalog.map((item, index) => [
      index + 1,
      {
        id: index + 1,
        description: null,
        category: item.category ?? null,
        created_at: now(),
        updated_at: now(),
        ...item,
      },
    ]),
  );
  const carts = new Map<string, Cart>();
  const claims = new Map<string, CheckoutClaim>();
  const reservations = new Map<string, Reservation>();
  const orders = new Map<string, Order>();
  const payments = new Map<string, Payment>();
  const returns = new Map<string, OrderReturn>();
  /** `onCall` runs as each call arrives, before it is answered: another request changing the shop meanwhile. */
  const settings = { declineCharges: false, onCall: (_name: string) => undefined as void };

  const found = <Value>(value: Value | undefined, what: string): Value => {
    if (value === undefined) throw AppError.notFound(`${what} not found`);
    return value;
  };
  const product = (id: number) => found(products.get(id), `Product ${id}`);
  const cart = (sessionId: string) => found(carts.get(sessionId), `Session ${sessionId}`);
  const order = (id: string) => found(orders.get(id), `Order ${id}`);
  const payment = (id: string) => found(payments.get(id), `Payment ${id}`);
  const moveStock = (lines: { product_id: number; quantity: number }[], sign: 1 | -1) => {
    for (const line of lines) product(line.product_id).stock += sign * line.quantity;
  };
  const quote = (target: Order, lines: ReturnLines): RefundQuote => {
    const quoted = lines.map((line) => {
      const bought = found(
        target.lines.find((each) => each.product_id === line.product_id),
        `Product ${line.product_id} in the order`,
      );
      return {
        product_id: line.product_id,
        name: bought.name,
        quantity: line.quantity,
        unit_price: bought.unit_price,
        amount: cents(bought.unit_price * line.quantity),
      };
    });
    return {
      order_id: target.order_id,
      refund_amount: cents(quoted.reduce((sum, line) => sum + line.amount, 0)),
      lines: quoted,
    };
  };
  const cancellable = (target: Order) => {
    if (target.status !== 'paid')
      throw AppError.conflict(`Order ${target.order_id} is ${target.status}, so it can no longer be cancelled`);
    return quote(
      target,
      target.lines.map((line) => ({ product_id: line.product_id, quantity: line.quantity })),
    );
  };
  const returnable = (target: Order, lines: ReturnLines) => {
    if (target.status !== 'delivered' && target.status !== 'partially_returned') {
      throw AppError.conflict(`Order ${target.order_id} is ${target.status}; only a delivered order can be returned`);
    }
    return quote(target, lines);
  };

  const clients: DomainClients = {
    products: {
      search: async (query) => {
        const words = query.query?.toLowerCase();
        const items = [...products.values()]
          .filter((each) => !words || `${each.name} ${each.category ?? ''}`.toLowerCase().includes(words))
          .filter((each) => !query.category || each.category === query.category)
          .filter((each) => query.max_price === undefined || each.price <= query.max_price)
          .sort((a, b) =>
            query.sort === 'price_asc' ? a.price - b.price : query.sort === 'price_desc' ? b.price - a.price : 0,
          );
        return { items: items.slice(0, query.limit ?? 20), total: items.length, limit: query.limit ?? 20, offset: 0 };
      },
      get: async (productId) => ({ ...product(productId) }),
      create: notFaked('products.create'),
      update: notFaked('products.update'),
      remove: notFaked('products.remove'),
      reserve: async (reservationId, lines) => {
        const short = lines.find((line) => product(line.product_id).stock < line.quantity);
        if (short) throw AppError.conflict(`Not enough ${product(short.product_id).name} in stock`);
        moveStock(lines, -1);
        const reserved = lines.map((line) => ({
          ...line,
          name: product(line.product_id).name,
          unit_price: product(line.product_id).price,
        }));
        reservations.set(reservationId, { reservation_id: reservationId, status: 'reserved', lines: reserved });
        return reservations.get(reservationId)!;
      },
      release: async (reservationId) => {
        const reservation = found(reservations.get(reservationId), `Reservation ${reservationId}`);
        if (reservation.status === 'reserved') moveStock(reservation.lines, 1);
        reservation.status = 'released';
        return reservation;
      },
      restock: async (restockId, lines) => {
        moveStock(lines, 1);
        return { restock_id: restockId, lines };
      },
    },
    carts: {
      get: async (sessionId) => structuredClone(cart(sessionId)),
      ofUser: async (userId) => {
        const items = [...carts.values()].filter((each) => each.user_id === userId);
        return { items, total: items.length, limit: 100, offset: 0 };
      },
      stats: async () => ({ active_carts: [...carts.values()].filter((each) => each.items.length > 0).length }),
      open: async (sessionId, userId) => {
        const existing = carts.get(sessionId);
        if (existing && existing.user_id !== userId) throw AppError.conflict('This session belongs to another user');
        if (!existing) carts.set(sessionId, { session_id: sessionId, user_id: userId, status: 'open', items: [] });
        return structuredClone(cart(sessionId));
      },
      addItem: async (sessionId, productId, quantity) => {
        const target = cart(sessionId);
        const line = target.items.find((item) => item.product_id === productId);
        if (line) line.quantity += quantity;
        else target.items.push({ product_id: productId, quantity });
        return structuredClone(target);
      },
      setItem: async (sessionId, productId, quantity) => {
        const target = cart(sessionId);
        found(
          target.items.find((item) => item.product_id === productId),
          `Product ${productId} in the cart`,
        ).quantity = quantity;
        return structuredClone(target);
      },
      removeItem: async (sessionId, productId) => {
        const target = cart(sessionId);
        found(
          target.items.find((item) => item.product_id === productId),
          `Product ${productId} in the cart`,
        );
        target.items = target.items.filter((item) => item.product_id !== productId);
        return structuredClone(target);
      },
      claim: async (sessionId, claimId, userId) => {
        const target = cart(sessionId);
        if (target.user_id !== userId) throw AppError.forbidden('This session belongs to another user');
        if (target.items.length === 0) throw AppError.conflict('Cart is empty');
        target.status = 'checking_out';
        claims.set(claimId, {
          session_id: sessionId,
          claim_id: claimId,
          status: 'active',
          items: structuredClone(target.items),
        });
        return claims.get(claimId)!;
      },
      releaseClaim: async (sessionId, claimId) => {
        cart(sessionId).status = 'open';
        return Object.assign(found(claims.get(claimId), `Claim ${claimId}`), { status: 'released' as const });
      },
      completeClaim: async (sessionId, claimId) => {
        Object.assign(cart(sessionId), { status: 'open', items: [] });
        return Object.assign(found(claims.get(claimId), `Claim ${claimId}`), { status: 'completed' as const });
      },
    },
    orders: {
      create: async (body) => {
        const lines = body.lines.map((line) => ({
          ...line,
          line_total: cents(line.unit_price * line.quantity),
          returned_quantity: 0,
        }));
        const created: Order = {
          ...body,
          lines,
          status: 'pending',
          currency: 'USD',
          total: cents(lines.reduce((sum, line) => sum + line.line_total, 0)),
          transaction_id: null,
          shipped_at: null,
          delivered_at: null,
          return_deadline: null,
          created_at: now(),
          updated_at: now(),
        };
        orders.set(body.order_id, created);
        return structuredClone(created);
      },
      get: async (orderId) => structuredClone(order(orderId)),
      confirm: async (orderId, transactionId) =>
        structuredClone(Object.assign(order(orderId), { status: 'paid', transaction_id: transactionId })),
      cancel: async (orderId) => structuredClone(Object.assign(order(orderId), { status: 'cancelled' })),
      list: async (userId, page) => {
        const items = [...orders.values()].filter((each) => each.user_id === userId).reverse();
        return {
          items: structuredClone(items.slice(page.offset, page.offset + page.limit)),
          total: items.length,
          ...page,
        };
      },
      ship: async (orderId) => structuredClone(Object.assign(order(orderId), { status: 'shipped', shipped_at: now() })),
      deliver: async (orderId) => {
        const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString();
        return structuredClone(
          Object.assign(order(orderId), { status: 'delivered', delivered_at: now(), return_deadline: deadline }),
        );
      },
      quoteCancellation: async (orderId) => cancellable(order(orderId)),
      cancellation: async (orderId, step) => {
        const target = order(orderId);
        if (step === '') cancellable(target);
        const status = ({ '': 'cancelling', abort: 'paid', complete: 'cancelled' } as const)[step];
        return structuredClone(Object.assign(target, { status }));
      },
      quoteReturn: async (orderId, lines) => returnable(order(orderId), lines),
      startReturn: async (orderId, returnId, lines) => {
        const target = order(orderId);
        const quoted = returnable(target, lines);
        for (const line of lines)
          target.lines.find((each) => each.product_id === line.product_id)!.returned_quantity += line.quantity;
        returns.set(returnId, { ...quoted, return_id: returnId, status: 'in_progress', order: target });
        return structuredClone(returns.get(returnId)!);
      },
      finishReturn: async (orderId, returnId, step) => {
        const started = found(returns.get(returnId), `Return ${returnId}`);
        const target = order(orderId);
        const whole = target.lines.every((line) => line.returned_quantity === line.quantity);
        if (step === 'complete') target.status = whole ? 'returned' : 'partially_returned';
        return structuredClone(
          Object.assign(started, { status: step === 'complete' ? 'completed' : 'aborted', order: target }),
        );
      },
    },
    payments: {
      charge: async (orderId, amount) => {
        if (settings.declineCharges) throw new AppError(402, 'PAYMENT_DECLINED', 'The card was declined');
        const transactionId = randomUUID();
        const made: Payment = {
          transaction_id: transactionId,
          order_id: orderId,
          amount,
          currency: 'USD',
          status: 'captured',
          reason: null,
          created_at: now(),
          refunded_amount: 0,
          refunded_at: null,
          refunds: [],
        };
        payments.set(transactionId, made);
        return structuredClone(made);
      },
      forOrder: async (orderId) => ({
        items: structuredClone([...payments.values()].filter((each) => each.order_id === orderId)),
      }),
      get: async (transactionId) => structuredClone(payment(transactionId)),
      refund: async (transactionId, refundId, amount) => {
        const target = payment(transactionId);
        target.refunds.push({ refund_id: refundId, amount, created_at: now() });
        target.refunded_amount = cents(target.refunded_amount + amount);
        target.status = target.refunded_amount >= target.amount ? 'refunded' : 'partially_refunded';
        return structuredClone(target);
      },
      voidRefund: async (transactionId) => structuredClone(payment(transactionId)),
      voidOrder: async (orderId) => ({ items: [...payments.values()].filter((each) => each.order_id === orderId) }),
    },
    accounts: {
      register: notFaked('accounts.register'),
      login: notFaked('accounts.login'),
      me: notFaked('accounts.me'),
    },
    close: async () => [],
  };

  return {
    clients: recording(clients, calls, (name) => settings.onCall(name)),
    calls,
    /** The names of the calls made since the last `take`, and forgets them. */
    take: () => calls.splice(0).map((call) => call.name),
    settings,
    products,
    carts,
    orders,
    payments,
  };
}

export type FakeShop = ReturnType<typeof createFakeShop>;
