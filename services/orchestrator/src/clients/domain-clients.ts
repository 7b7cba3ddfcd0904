import {
  accessTokenSchema,
  cartPageSchema,
  cartSchema,
  checkoutClaimSchema,
  orderPageSchema,
  orderReturnSchema,
  orderSchema,
  paymentListSchema,
  paymentSchema,
  paymentSimulationHeader,
  productPageSchema,
  productSchema,
  refundQuoteSchema,
  reservationSchema,
  restockSchema,
  sessionStatsSchema,
  userProfileSchema,
  type CreateProduct,
  type CreateReservation,
  type Credentials,
  type ListProductsQuery,
  type ReturnLines,
  type UpdateProduct,
} from '@ecomm/contracts';
import { createServiceClient, type BreakerState, type ServiceClient } from '@ecomm/platform';
import type { OrchestratorConfig } from '../config.js';

/** Typed calls to the domain services; each response is parsed with the callee's own contract. */
export function createDomainClients(
  config: OrchestratorConfig,
  onBreakerState?: (service: string, state: BreakerState) => void,
) {
  const client = (service: string, baseUrl: string, timeoutMs = config.SERVICE_TIMEOUT_MS) => {
    onBreakerState?.(service, 'closed');
    return createServiceClient({
      service,
      baseUrl,
      internalApiKey: config.INTERNAL_API_KEY,
      timeoutMs,
      breaker: {
        threshold: config.CIRCUIT_BREAKER_THRESHOLD,
        halfOpenAfterMs: config.CIRCUIT_BREAKER_HALF_OPEN_AFTER_MS,
        onStateChange: (state) => onBreakerState?.(service, state),
      },
    });
  };
  const product = client('product', config.PRODUCT_SERVICE_URL);
  const session = client('session', config.SESSION_SERVICE_URL);
  const order = client('order', config.ORDER_SERVICE_URL);
  const payment = client('payment', config.PAYMENT_SERVICE_URL, config.PAYMENT_TIMEOUT_MS);
  const auth = client('auth', config.AUTH_SERVICE_URL);
  const all: ServiceClient[] = [product, session, order, payment, auth];
  const key = (idempotencyKey: string) => ({ idempotencyKey });

  return {
    products: {
      search: (query: Partial<ListProductsQuery>) => product.get('/', { query, schema: productPageSchema }),
      get: (productId: number) => product.get(`/${productId}`, { schema: productSchema }),
      create: (body: CreateProduct, idempotencyKey: string) =>
        product.post('/', { body, schema: productSchema, ...key(idempotencyKey) }),
      update: (productId: number, body: UpdateProduct) =>
        product.patch(`/${productId}`, { body, schema: productSchema }),
      remove: (productId: number) => product.delete(`/${productId}`, { schema: productSchema }),
      /**
       * The reservation as it stands now. A retry is answered with the first, stored reply, which may be out of date
       * (the stock put back since by a process that took the run over): only then is it read again.
       */
      reserve: async (reservationId: string, lines: CreateReservation['lines'], idempotencyKey: string) => {
        const body = { reservation_id: reservationId, lines };
        const answer = await product.postTellingReplays('/reservations', {
          body,
          schema: reservationSchema,
          ...key(idempotencyKey),
        });
        if (!answer.replayed) return answer.body;
        return product.get(`/reservations/${reservationId}`, { schema: reservationSchema });
      },
      release: (reservationId: string, idempotencyKey: string) =>
        product.post(`/reservations/${reservationId}/release`, {
          body: {},
          schema: reservationSchema,
          ...key(idempotencyKey),
        }),
      restock: (restockId: string, lines: { product_id: number; quantity: number }[], idempotencyKey: string) =>
        product.post('/restocks', {
          body: { restock_id: restockId, lines },
          schema: restockSchema,
          ...key(idempotencyKey),
        }),
    },
    carts: {
      get: (sessionId: string) => session.get(`/${encodeURIComponent(sessionId)}`, { schema: cartSchema }),
      ofUser: (userId: string) => session.get('/', { query: { user_id: userId, limit: 100 }, schema: cartPageSchema }),
      stats: () => session.get('/stats', { schema: sessionStatsSchema }),
      open: (sessionId: string, userId: string) =>
        session.post('/', {
          body: { session_id: sessionId, user_id: userId },
          schema: cartSchema,
          ...key(`open:${sessionId}:${userId}`),
        }),
      addItem: (sessionId: string, productId: number, quantity: number, idempotencyKey: string) =>
        session.post(`/${encodeURIComponent(sessionId)}/items`, {
          body: { product_id: productId, quantity },
          schema: cartSchema,
          ...key(idempotencyKey),
        }),
      setItem: (sessionId: string, productId: number, quantity: number) =>
        session.put(`/${encodeURIComponent(sessionId)}/items/${productId}`, { body: { quantity }, schema: cartSchema }),
      removeItem: (sessionId: string, productId: number) =>
        session.delete(`/${encodeURIComponent(sessionId)}/items/${productId}`, { schema: cartSchema }),
      /** Refused (403) for a cart of another user: the claim is where a checkout's ownership is checked. */
      claim: (sessionId: string, claimId: string, userId: string, idempotencyKey: string) =>
        session.post(`/${encodeURIComponent(sessionId)}/checkout-claims`, {
          body: { claim_id: claimId, user_id: userId },
          schema: checkoutClaimSchema,
          ...key(idempotencyKey),
        }),
      releaseClaim: (sessionId: string, claimId: string, idempotencyKey: string) =>
        session.post(`/${encodeURIComponent(sessionId)}/checkout-claims/${claimId}/release`, {
          body: {},
          schema: checkoutClaimSchema,
          ...key(idempotencyKey),
        }),
      completeClaim: (sessionId: string, claimId: string, idempotencyKey: string) =>
        session.post(`/${encodeURIComponent(sessionId)}/checkout-claims/${claimId}/complete`, {
          body: {},
          schema: checkoutClaimSchema,
          ...key(idempotencyKey),
        }),
    },
    orders: {
      create: (
        body: {
          order_id: string;
          user_id: string;
          session_id: string;
          lines: { product_id: number; name: string; unit_price: number; quantity: number }[];
        },
        idempotencyKey: string,
      ) => order.post('/', { body, schema: orderSchema, ...key(idempotencyKey) }),
      get: (orderId: string) => order.get(`/${orderId}`, { schema: orderSchema }),
      confirm: (orderId: string, transactionId: string, idempotencyKey: string) =>
        order.post(`/${orderId}/confirm`, {
          body: { transaction_id: transactionId },
          schema: orderSchema,
          ...key(idempotencyKey),
        }),
      cancel: (orderId: string, idempotencyKey: string) =>
        order.patch(`/${orderId}/cancel`, { body: {}, schema: orderSchema, ...key(idempotencyKey) }),
      list: (userId: string, page: { limit: number; offset: number }) =>
        order.get('/', { query: { user_id: userId, ...page }, schema: orderPageSchema }),
      ship: (orderId: string, idempotencyKey: string) =>
        order.post(`/${orderId}/ship`, { body: {}, schema: orderSchema, ...key(idempotencyKey) }),
      deliver: (orderId: string, idempotencyKey: string) =>
        order.post(`/${orderId}/deliver`, { body: {}, schema: orderSchema, ...key(idempotencyKey) }),
      quoteCancellation: (orderId: string) =>
        order.get(`/${orderId}/cancellation-quote`, { schema: refundQuoteSchema }),
      /** `step`: '' holds the order for this cancellation, 'abort' gives it back, 'complete' cancels it. */
      cancellation: (
        orderId: string,
        step: '' | 'abort' | 'complete',
        cancellationId: string,
        idempotencyKey: string,
      ) =>
        order.post(`/${orderId}/cancellation${step ? `/${step}` : ''}`, {
          body: { cancellation_id: cancellationId },
          schema: orderSchema,
          ...key(idempotencyKey),
        }),
      quoteReturn: (orderId: string, lines: ReturnLines) =>
        order.post(`/${orderId}/return-quote`, { body: { lines }, schema: refundQuoteSchema }),
      startReturn: (orderId: string, returnId: string, lines: ReturnLines, idempotencyKey: string) =>
        order.post(`/${orderId}/returns`, {
          body: { return_id: returnId, lines },
          schema: orderReturnSchema,
          ...key(idempotencyKey),
        }),
      finishReturn: (orderId: string, returnId: string, step: 'complete' | 'abort', idempotencyKey: string) =>
        order.post(`/${orderId}/returns/${returnId}/${step}`, {
          body: {},
          schema: orderReturnSchema,
          ...key(idempotencyKey),
        }),
    },
    payments: {
      charge: (orderId: string, amount: number, idempotencyKey: string, simulate?: string) =>
        payment.post('/', {
          body: { order_id: orderId, amount },
          schema: paymentSchema,
          headers: simulate ? { [paymentSimulationHeader]: simulate } : {},
          ...key(idempotencyKey),
        }),
      forOrder: (orderId: string) => payment.get('/', { query: { order_id: orderId }, schema: paymentListSchema }),
      get: (transactionId: string) => payment.get(`/${transactionId}`, { schema: paymentSchema }),
      refund: (transactionId: string, refundId: string, amount: number, idempotencyKey: string) =>
        payment.post(`/${transactionId}/refunds`, {
          body: { refund_id: refundId, amount },
          schema: paymentSchema,
          ...key(idempotencyKey),
        }),
      /** Calls a refund off so that it can never be made late; a 409 if it was already made. */
      voidRefund: (transactionId: string, refundId: string, idempotencyKey: string) =>
        payment.post(`/${transactionId}/refunds/${refundId}/void`, {
          body: {},
          schema: paymentSchema,
          ...key(idempotencyKey),
        }),
      /** Refunds the order's captures and fences it off, so a charge still in flight can no longer capture. */
      voidOrder: (orderId: string, idempotencyKey: string) =>
        payment.post(`/orders/${orderId}/void`, { body: {}, schema: paymentListSchema, ...key(idempotencyKey) }),
    },
    accounts: {
      register: (credentials: Credentials) =>
        auth.post('/auth/register', { body: credentials, schema: userProfileSchema }),
      login: (credentials: Credentials) => auth.post('/auth/login', { body: credentials, schema: accessTokenSchema }),
      me: (authorization: string) => auth.get('/auth/me', { headers: { authorization }, schema: userProfileSchema }),
    },
    close: () => Promise.all(all.map((each) => each.close())),
  };
}

export type DomainClients = ReturnType<typeof createDomainClients>;
