import { createCheckoutService } from '../src/checkout/checkout-service.js';
import { checkoutSaga } from '../src/checkout/checkout-saga.js';
import { cancellationSaga } from '../src/orders/cancellation-saga.js';
import { createOrderService } from '../src/orders/order-service.js';
import { returnSaga } from '../src/orders/return-saga.js';
import type { SagaRepository } from '../src/saga/saga-repository.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { createShoppingService } from '../src/shopping/shopping-service.js';
import type { FakeShop } from './fake-shop.js';
import { runnerOptions, silentLogger } from './saga-harness.js';

/** The orchestrator's real domain services and sagas, as app.ts wires them, over a fake shop and a real saga store. */
export function shopServices(shop: FakeShop, repository: SagaRepository) {
  const { clients } = shop;
  const options = runnerOptions(repository);
  const ignored = { finished: () => undefined };
  return {
    shopping: createShoppingService(clients),
    checkout: createCheckoutService({
      runner: createSagaRunner(checkoutSaga(clients), options),
      observer: ignored,
      logger: silentLogger,
      deadlineMs: 30_000,
    }),
    orders: createOrderService({
      clients,
      cancellations: createSagaRunner(cancellationSaga(clients), options),
      returns: createSagaRunner(returnSaga(clients), options),
      observer: ignored,
    }),
  };
}

/** The calls of a checkout saga that goes well, in order. */
export const checkoutCalls = [
  'carts.claim',
  'products.reserve',
  'orders.create',
  'payments.charge',
  'orders.confirm',
  'carts.completeClaim',
];
