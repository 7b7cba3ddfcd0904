import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from './connection.js';
import type { Executor } from './transactions.js';

const transactionsOf = new WeakMap<Database, AsyncLocalStorage<Executor>>();

/**
 * The `Database` every repository holds: each call runs in the transaction of the current request when there is one
 * (see `inRequestTransaction`), else on the pool. A repository's own `transaction(...)` then becomes a savepoint of
 * the request's, on the same connection: a request never needs a second connection while it holds one.
 */
export function routeToRequestTransaction(pool: Database): Database {
  const current = new AsyncLocalStorage<Executor>();
  const routed = new Proxy(pool, {
    get(target, property) {
      const executor = current.getStore() ?? target;
      const member: unknown = Reflect.get(executor, property, executor);
      return typeof member === 'function' ? member.bind(executor) : member;
    },
  });
  transactionsOf.set(routed, current);
  return routed;
}

/**
 * Runs `work` in a transaction (a savepoint when one is current) that every call through `db` made inside it joins,
 * however deep: committed when `work` resolves, rolled back when it throws.
 */
export function inRequestTransaction<Result>(db: Database, work: (executor: Executor) => Promise<Result>) {
  const current = transactionsOf.get(db);
  if (!current) throw new Error('inRequestTransaction needs the Database createDatabase made');
  return db.transaction((executor) => current.run(executor, () => work(executor)));
}
