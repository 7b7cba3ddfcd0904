import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cartSchema, checkoutClaimSchema } from '@ecomm/contracts';
import { AppError, createServiceClient } from '@ecomm/platform';
import { testSecrets, useListeningTestService, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { sessionService } from '../src/service.js';
import { uniqueId } from './helpers.js';

const database = useTestDatabase();
const service = useListeningTestService(sessionService, { database });
const client = useTestFixture(
  async () =>
    createServiceClient({
      service: 'session',
      baseUrl: service.url,
      internalApiKey: testSecrets.INTERNAL_API_KEY,
      retries: 0,
    }),
  (opened) => opened.close(),
  database,
);

async function newCart() {
  return client.post('/', { body: { user_id: 'concurrent-shopper' }, schema: cartSchema });
}

/** Resolves to the HTTP status a call ended with, so outcomes of parallel calls can be counted. */
function statusOf(call: Promise<unknown>) {
  return call.then(
    () => 200,
    (error: unknown) => (error instanceof AppError ? error.statusCode : 0),
  );
}

test('20 concurrent claims with different claim ids: exactly one wins, the others get 409', async () => {
  const cart = await newCart();
  await client.post(`/${cart.session_id}/items`, { body: { product_id: 1, quantity: 2 } });
  const attempts = Array.from({ length: 20 }, (_, index) =>
    client.post(`/${cart.session_id}/checkout-claims`, {
      body: { claim_id: `claim-${index}`, user_id: cart.user_id },
      schema: checkoutClaimSchema,
    }),
  );
  const outcomes = await Promise.allSettled(attempts);
  const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const losers = outcomes.filter((outcome) => outcome.status === 'rejected');
  assert.equal(winners.length, 1);
  for (const loser of losers) {
    assert.ok(loser.reason instanceof AppError);
    assert.equal(loser.reason.statusCode, 409);
    assert.match(loser.reason.message, /Cart is being checked out/);
  }
  const winner = winners[0]?.status === 'fulfilled' ? winners[0].value : undefined;
  assert.deepEqual(winner?.items, [{ product_id: 1, quantity: 2 }]);
  const after = await client.get(`/${cart.session_id}`, { schema: cartSchema });
  assert.equal(after.status, 'checking_out');
});

test('concurrent adds of one product sum exactly', async () => {
  const cart = await newCart();
  const adds = Array.from({ length: 25 }, (_, index) =>
    client.post(`/${cart.session_id}/items`, { body: { product_id: 77, quantity: index + 1 } }),
  );
  await Promise.all(adds);
  const after = await client.get(`/${cart.session_id}`, { schema: cartSchema });
  assert.deepEqual(after.items, [{ product_id: 77, quantity: (25 * 26) / 2 }]);
});

test('adds racing a claim land either in the snapshot or get a 409, never silently after it', async () => {
  const cart = await newCart();
  await client.post(`/${cart.session_id}/items`, { body: { product_id: 1, quantity: 1 } });
  const adds = Array.from({ length: 10 }, (_, index) =>
    statusOf(client.post(`/${cart.session_id}/items`, { body: { product_id: 100 + index, quantity: 1 } })),
  );
  const claimed = client.post(`/${cart.session_id}/checkout-claims`, {
    body: { claim_id: 'racing-claim', user_id: cart.user_id },
    schema: checkoutClaimSchema,
  });
  const [claim, ...statuses] = await Promise.all([claimed, ...adds]);
  assert.ok(
    statuses.every((status) => status === 200 || status === 409),
    String(statuses),
  );
  const current = await client.get(`/${cart.session_id}`, { schema: cartSchema });
  assert.deepEqual(current.items, claim.items, 'the cart holds exactly what the claim snapshotted');
  assert.equal(claim.items.length, 1 + statuses.filter((status) => status === 200).length);
});

test('a retried add with the same Idempotency-Key over HTTP adds once', async () => {
  const cart = await newCart();
  const idempotencyKey = uniqueId('retry');
  const first = await client.post(`/${cart.session_id}/items`, {
    body: { product_id: 3, quantity: 4 },
    idempotencyKey,
    schema: cartSchema,
  });
  const retry = await client.post(`/${cart.session_id}/items`, {
    body: { product_id: 3, quantity: 4 },
    idempotencyKey,
    schema: cartSchema,
  });
  assert.deepEqual(retry, first);
  const current = await client.get(`/${cart.session_id}`, { schema: cartSchema });
  assert.deepEqual(current.items, [{ product_id: 3, quantity: 4 }]);
  await assert.rejects(
    client.post(`/${cart.session_id}/items`, { body: { product_id: 3, quantity: 5 }, idempotencyKey }),
    (error: unknown) => error instanceof AppError && error.statusCode === 422,
  );
});

test('20 keyed adds to one line, each sent twice at once, sum each once; both sends of a key answer alike', async () => {
  const cart = await newCart();
  const keyed = Array.from({ length: 20 }, (_, index) => ({ quantity: index + 1, key: uniqueId(`twice-${index}`) }));
  const retrying = createServiceClient({
    service: 'session',
    baseUrl: service.url,
    internalApiKey: testSecrets.INTERNAL_API_KEY,
    retries: 10,
  });
  try {
    const answers = await Promise.all(
      keyed.flatMap(({ quantity, key }) =>
        [0, 1].map(() =>
          retrying.post(`/${cart.session_id}/items`, {
            body: { product_id: 9, quantity },
            idempotencyKey: key,
            schema: cartSchema,
          }),
        ),
      ),
    );
    for (let index = 0; index < keyed.length; index += 1) {
      assert.deepEqual(answers[2 * index + 1], answers[2 * index], `the two sends of add ${index + 1}`);
    }
    const after = await client.get(`/${cart.session_id}`, { schema: cartSchema });
    assert.deepEqual(after.items, [{ product_id: 9, quantity: (20 * 21) / 2 }]);
  } finally {
    await retrying.close();
  }
});
