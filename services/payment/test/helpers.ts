import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { paymentListSchema } from '@ecomm/contracts';
import type { DatabaseConnection } from '@ecomm/platform';
import { internalHeaders } from '@ecomm/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A charge of the order, as the checkout's saga asks for it (with the internal key, and any headers added). */
export function charge(
  app: FastifyInstance,
  orderId: string,
  amount = 30,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/',
    headers: { ...internalHeaders, ...headers },
    payload: { order_id: orderId, amount },
  });
}

/** A void of the order (the saga's compensation), without a key. */
export function voidOrder(app: FastifyInstance, orderId: string) {
  return app.inject({ method: 'POST', url: `/orders/${orderId}/void`, headers: internalHeaders });
}

/** The order's payments, as the saga's look-up reads them. */
export async function paymentsOf(app: FastifyInstance, orderId: string) {
  const response = await app.inject({ method: 'GET', url: `/?order_id=${orderId}`, headers: internalHeaders });
  return paymentListSchema.parse(response.json()).items;
}

/** Holds the order's lock from another connection until `release` is called. */
export async function holdOrderLock(admin: DatabaseConnection, orderId: string) {
  const holder = await admin.pool.connect();
  await holder.query('begin');
  await holder.query('select pg_advisory_xact_lock(hashtext($1))', [`payment-order:${orderId}`]);
  return async () => {
    await holder.query('rollback');
    holder.release();
  };
}

/** Waits until `count` requests wait for an advisory lock; fails if `request` is answered first (it did not wait). */
export async function waitersOnLock(admin: DatabaseConnection, count: number, request: Promise<unknown>) {
  let answered = false;
  void request.finally(() => (answered = true));
  for (;;) {
    const { rows } = await admin.pool.query<{ waiting: number }>(
      `select count(*)::int as waiting from pg_stat_activity
       where datname = current_database() and wait_event_type = 'Lock' and wait_event = 'advisory'`,
    );
    if ((rows[0]?.waiting ?? 0) >= count) return;
    assert.ok(!answered, 'the request was answered without waiting for the order’s lock');
    await sleep(20);
  }
}
