import { randomUUID } from 'node:crypto';
import { createDatabase } from '@ecomm/platform';
import { internalHeaders, useTestDatabase, useTestFixture, useTestService } from '@ecomm/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sessionService } from '../src/service.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Calls the app in-process with the internal key, as the orchestrator would over HTTP. */
export function caller(app: () => FastifyInstance) {
  return (
    method: Method,
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> =>
    app().inject({
      method,
      url,
      headers: { ...internalHeaders, ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
}

export function uniqueId(prefix: string) {
  return `${prefix}-${randomUUID()}`;
}

/** The two lines every claim test's cart holds. */
export const cartItems = [
  { product_id: 5, quantity: 2 },
  { product_id: 3, quantity: 1 },
];

/** A new cart of `shopper` holding `cartItems`; its session id. */
export async function cartOf(call: ReturnType<typeof caller>) {
  const sessionId = uniqueId('cart');
  await call('POST', '/', { user_id: 'shopper', session_id: sessionId });
  for (const item of cartItems) await call('POST', `/${sessionId}/items`, item);
  return sessionId;
}

/**
 * The session service on this file's own database, its caller, and a connection of the test's own to that database:
 * to read what the service wrote, or to hold a cart's lock it must wait for (`holdingTheLock`, then `untilWaiting`).
 */
export function useSessionWithConnection(environment?: Record<string, string>) {
  const database = useTestDatabase();
  const app = useTestService(sessionService, { database, ...(environment ? { environment } : {}) });
  const connection = useTestFixture(
    async () => createDatabase({ url: database.urlFor('session') }),
    (opened) => opened.close(),
    database,
  );

  /** Waits until `count` statements wait for a lock (so requests queue at the cart's lock in the order started). */
  async function untilWaiting(count: number) {
    for (;;) {
      const { rows } = await connection.pool.query<{ waiting: number }>(
        "select count(*)::int as waiting from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
      );
      if (rows[0]!.waiting >= count) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A client of the test's own in a transaction holding the cart's lock: commit or roll back, then release it. */
  async function holdingTheLock(sessionId: string) {
    const holder = await connection.pool.connect();
    await holder.query('begin');
    await holder.query('select 1 from session.carts where session_id = $1 for update', [sessionId]);
    return holder;
  }

  return { connection, call: caller(() => app), untilWaiting, holdingTheLock };
}

/**
 * One connection (a pool of one) on a test database of its own, with a table of notes `(id, note)`: whatever a test
 * leaves on the connection, the next one meets. `ids()` lists the notes' ids in order; `database`, to open another.
 */
export function useNotesOnOneConnection(table: string) {
  const database = useTestDatabase();
  const connection = useTestFixture(
    async () => {
      const opened = createDatabase({ url: database.adminUrl, poolMax: 1 });
      await opened.pool.query(`create table if not exists ${table} (id int primary key, note text not null)`);
      return opened;
    },
    (opened) => opened.close(),
    database,
  );
  const ids = async () =>
    (await connection.pool.query<{ id: number }>(`select id from ${table} order by id`)).rows.map((row) => row.id);
  return { connection, ids, database };
}
