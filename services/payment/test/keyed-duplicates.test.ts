import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { paymentSchema } from '@ecomm/contracts';
import { internalHeaders, useTestDatabase, useTestService } from '@ecomm/testing';
import type { FastifyInstance } from 'fastify';
import { paymentService } from '../src/service.js';
import { charge, paymentsOf } from './helpers.js';

// A keyed request's claim travels with its handler's first statement: duplicates (same key, same body) of
// refunds, refund voids and order voids racing each other: one effect, the first answer replayed (or a 409 in flight).
const database = useTestDatabase();
const patient = useTestService(paymentService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '0' } });
const hasty = useTestService(paymentService, { database, environment: { DATABASE_LOCK_TIMEOUT_MS: '30' } });

const post = (app: FastifyInstance, url: string, payload: object | undefined, key: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...internalHeaders, 'idempotency-key': key },
    ...(payload ? { payload } : {}),
  });

function oneEffect(answers: Awaited<ReturnType<typeof post>>[], allowBusy: boolean) {
  const described = answers
    .map((answer) => `${answer.statusCode} ${answer.headers['idempotent-replayed'] ?? '-'} ${answer.body}`)
    .join('\n');
  const fresh = answers.filter((answer) => answer.statusCode !== 409 && !answer.headers['idempotent-replayed']);
  assert.equal(fresh.length, 1, described);
  for (const answer of answers) {
    if (answer === fresh[0]) continue;
    if (answer.statusCode === 409 && allowBusy && answer.json().code === 'IDEMPOTENCY_IN_PROGRESS') continue;
    assert.equal(answer.headers['idempotent-replayed'], 'true', described);
    assert.equal(answer.statusCode, fresh[0]!.statusCode, described);
    assert.equal(answer.body, fresh[0]!.body, described);
  }
  return fresh[0]!;
}

for (const [name, app, allowBusy] of [
  ['no lock timeout', patient, false],
  ['a 30 ms lock timeout', hasty, true],
] as const) {
  test(`${name}: racing duplicate refunds, refund voids and order voids each act once`, async () => {
    const orderId = randomUUID();
    const captured = paymentSchema.parse((await charge(app, orderId, 100)).json());
    const refundKey = randomUUID();
    const refund = { refund_id: `refund-${randomUUID()}`, amount: 10 };
    const refunds = await Promise.all(
      Array.from({ length: 8 }, () => post(app, `/${captured.transaction_id}/refunds`, refund, refundKey)),
    );
    assert.equal(oneEffect(refunds, allowBusy).statusCode, 201);

    const voidKey = randomUUID();
    const otherRefund = `refund-${randomUUID()}`;
    const voids = await Promise.all(
      Array.from({ length: 8 }, () =>
        post(app, `/${captured.transaction_id}/refunds/${otherRefund}/void`, undefined, voidKey),
      ),
    );
    oneEffect(voids, allowBusy);

    const orderVoidKey = randomUUID();
    const orderVoids = await Promise.all(
      Array.from({ length: 8 }, () => post(app, `/orders/${orderId}/void`, undefined, orderVoidKey)),
    );
    assert.equal(oneEffect(orderVoids, allowBusy).statusCode, 200);
    const [payment] = await paymentsOf(app, orderId);
    assert.ok(payment);
    // 10 refunded by the keyed refund, the rest (90) by the order's void: never 10 twice.
    assert.equal(payment.refunded_amount, 100, JSON.stringify(payment));
  });
}
