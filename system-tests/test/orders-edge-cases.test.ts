import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { beforeTests } from '@ecomm/testing';
import { useShop } from './checkout-fixtures.js';
import { expectConsistent, orderClient, purchase, type OrderClient } from './order-fixtures.js';

const shop = useShop();
let orders: OrderClient;

beforeTests(async () => {
  orders = orderClient(shop);
});

describe('edge cases of the money path', () => {
  test('odd input is a 4xx with a message, never a 500; admin routes are closed to a shopper', async () => {
    const racket = await shop.createProduct('Racket', 10, 10);
    const { shopper, orderId } = await purchase(shop, [{ product: racket, quantity: 1 }], 'delivered');
    const base = `${shop.urls.orchestrator}/orders`;
    const asShopper = { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' };
    const probes: Array<[string, string, unknown, Record<string, string>?]> = [
      ['GET', `${base}/abc`, undefined],
      ['GET', `${base}/%00`, undefined],
      ['GET', `${base}?limit=abc`, undefined],
      ['GET', `${base}?offset=-1`, undefined],
      ['POST', `${base}/${orderId}/returns`, { lines: [{ product_id: racket.id, quantity: '1' }] }],
      ['POST', `${base}/${orderId}/returns`, { lines: [{ product_id: racket.id, quantity: 0 }] }],
      ['POST', `${base}/${orderId}/returns`, { lines: [{ product_id: racket.id, quantity: -1 }] }],
      ['POST', `${base}/${orderId}/returns`, { lines: [{ product_id: 1e20, quantity: 1 }] }],
      ['POST', `${base}/${orderId}/returns`, { lines: [{ product_id: '\u0000', quantity: 1 }] }],
      ['POST', `${base}/${orderId}/returns`, { lines: 'all' }],
      ['POST', `${base}/${orderId}/returns`, { lines: [] }],
      ['POST', `${base}/${orderId}/returns`, { lines: [{ product_id: racket.id, quantity: 1_000_000 }] }],
      [
        'POST',
        `${base}/${orderId}/returns`,
        { lines: [{ product_id: racket.id, quantity: 1 }] },
        { 'idempotency-key': 'x'.repeat(5000) },
      ],
      ['POST', `${base}/${orderId}/cancel`, 'null'],
    ];
    for (const [method, url, body, headers] of probes) {
      const response = await fetch(url, {
        method,
        headers: { ...asShopper, ...(headers ?? {}) },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const answer = (await response.json()) as { message?: string };
      assert.ok(
        response.status >= 400 && response.status < 500,
        `${method} ${url} ${JSON.stringify(body)} ${JSON.stringify(headers)}: ${response.status} ${JSON.stringify(answer)}`,
      );
      assert.ok(answer.message && !/stack|at \//.test(answer.message), JSON.stringify(answer));
    }
    const admin = await fetch(`${shop.urls.orchestrator}/admin/sagas`, {
      headers: { authorization: `Bearer ${shopper.token}` },
    });
    assert.ok([401, 403].includes(admin.status), `admin as a shopper: ${admin.status}`);
    const retry = await fetch(`${shop.urls.orchestrator}/admin/sagas/${orderId}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shopper.token}` },
    });
    assert.ok([401, 403].includes(retry.status), `admin retry as a shopper: ${retry.status}`);
    // Nothing above moved any money.
    await expectConsistent(shop, [orderId], new Map([[racket.id, 10]]));
  });

  test('same Idempotency-Key with another body is refused; cancel after return and return after cancel are 409s', async () => {
    const balls = await shop.createProduct('Balls', 3.33, 20);
    const delivered = await purchase(shop, [{ product: balls, quantity: 5 }], 'delivered');
    const first = await orders.returnItems(
      delivered.shopper,
      delivered.orderId,
      [{ product_id: balls.id, quantity: 1 }],
      { 'idempotency-key': 'k-1' },
    );
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const other = await orders.returnItems(
      delivered.shopper,
      delivered.orderId,
      [{ product_id: balls.id, quantity: 2 }],
      { 'idempotency-key': 'k-1' },
    );
    assert.ok(other.status === 409 || other.status === 422, JSON.stringify(other));
    const cancelled = await orders.cancel(delivered.shopper, delivered.orderId);
    assert.equal(cancelled.status, 409);
    const paid = await purchase(shop, [{ product: balls, quantity: 2 }]);
    assert.equal((await orders.cancel(paid.shopper, paid.orderId)).status, 200);
    const late = await orders.returnItems(paid.shopper, paid.orderId, [{ product_id: balls.id, quantity: 1 }]);
    assert.equal(late.status, 409);
    await expectConsistent(shop, [delivered.orderId, paid.orderId], new Map([[balls.id, 20]]));
  });
});
