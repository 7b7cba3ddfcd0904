import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DomainClients } from '../src/clients/domain-clients.js';
import { returnSaga } from '../src/orders/return-saga.js';
import { createSagaRunner } from '../src/saga/saga-runner.js';
import { heldCall, runnerOptions, useSagaRepository } from './saga-harness.js';
import { shopServices } from './shop-services.js';
import { shopper, shopWithFilledCart } from './tool-harness.js';

// A return of items that cost nothing refunds nothing: its pivot makes no refund that a lookup could find. The steps
// after it are not written before their calls, so a process cut off after them must still have its run rolled
// forward by the process that takes it over, never undone after the units were put back on the shelf.

const database = useSagaRepository();

test('a free item returned, its process cut off after the last step: the run is rolled forward, never undone', async (t) => {
  const shop = await shopWithFilledCart([
    { name: 'Sticker (free, from before the rule)', price: 0, stock: 10 },
    { name: 'Mug', price: 12, stock: 3 },
  ]);
  const receipt = await shopServices(shop, database.repository).checkout.checkout(shopper);
  assert.equal(receipt.status, 'completed');
  const transactionId = receipt.status === 'completed' ? receipt.transaction_id : '';
  await shop.clients.orders.deliver(receipt.order_id, 'deliver');

  // The first process makes every call of the return, then is cut off before its last write.
  const held = heldCall();
  t.after(held.release);
  const cutOffClients: DomainClients = {
    ...shop.clients,
    orders: {
      ...shop.clients.orders,
      finishReturn: async (...args) => {
        const answer = await shop.clients.orders.finishReturn(...args);
        await held.hold(1);
        return answer;
      },
    },
  };
  const options = runnerOptions(database.repository);
  const first = createSagaRunner(returnSaga(cutOffClients), options);
  const second = createSagaRunner(returnSaga(shop.clients), options);
  const input = { user_id: shopper.userId, order_id: receipt.order_id, lines: [{ product_id: 1, quantity: 2 }] };
  const sagaId = crypto.randomUUID();
  const cutOff = first.start(sagaId, input);
  await held.reached;
  assert.equal(shop.products.get(1)!.stock, 10, 'the first process put the stickers back');
  shop.take();

  const owner = await database.repository.claimStale(0);
  assert.equal(owner?.sagaId, sagaId);
  const outcome = await second.resume(owner!);

  assert.equal(outcome.status, 'completed', JSON.stringify(outcome));
  assert.equal(shop.orders.get(receipt.order_id)!.status, 'partially_returned');
  const again = shop.calls.map((call) => [call.name, call.args[0], call.args[1]]);
  // Only the same calls again, under the same ids: nothing undone (no abort of the return, no refund voided).
  assert.deepEqual(again, [
    ['payments.get', transactionId, undefined],
    ['products.restock', `return-${sagaId}`, [{ product_id: 1, quantity: 2 }]],
    ['orders.finishReturn', receipt.order_id, sagaId],
  ]);
  held.release();
  assert.equal((await cutOff).status, 'running', 'the first process is fenced off');
});
