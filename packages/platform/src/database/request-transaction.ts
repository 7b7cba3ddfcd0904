import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from './connection.js';
import type { Executor } from './transactions.js';

/** An open transaction (or savepoint) and the one it is nested in. */
interface Scope {
  executor: Executor;
  open: boolean;
  outer: Scope | undefined;
}

const scopesOf = new WeakMap<Database, AsyncLocalStorage<Scope>>();

/** The innermost transaction still open: one that ended hands its calls to the one it was nested in. */
function openScope(scopes: AsyncLocalStorage<Scope> | undefined) {
  let scope = scopes?.getStore();
  while (scope && !scope.open) scope = scope.outer;
  return scope;
}

/**
 * The `Database` every repository holds: each call runs in the transaction of the current request when there is one
 * (see `inRequestTransaction`), else on the pool. A repository's own `transaction(...)` then becomes a savepoint of
 * the request's, on the same connection: a request never needs a second connection while it holds one. Work a
 * request leaves running after its transaction ended goes to the pool, not to a connection handed back to it.
 */
export function routeToRequestTransaction(pool: Database): Database {
  const scopes = new AsyncLocalStorage<Scope>();
  const routed = new Proxy(pool, {
    get(target, property) {
      const executor = openScope(scopes)?.executor ?? target;
      const member: unknown = Reflect.get(executor, property, executor);
      return typeof member === 'function' ? member.bind(executor) : member;
    },
  });
  scopesOf.set(routed, scopes);
  return routed;
}

/**
 * Runs `work` in a transaction (a savepoint when one is current) that every call through `db` made inside it joins,
 * however deep: committed when `work` resolves, rolled back when it throws.
 */
export function inRequestTransaction<Result>(db: Database, work: (executor: Executor) => Promise<Result>) {
  const scopes = scopesOf.get(db);
  if (!scopes) throw new Error('inRequestTransaction needs the Database createDatabase made');
  return db.transaction(async (executor) => {
    const scope: Scope = { executor, open: true, outer: scopes.getStore() };
    try {
      return await scopes.run(scope, () => work(executor));
    } finally {
      scope.open = false;
    }
  });
}

/**
 * Runs `work` in the current request's transaction itself when one is open, without a savepoint (two round trips
 * fewer), else in a transaction of its own. Only for work that refuses before it writes: joined, an error it throws
 * undoes nothing by itself (the request's transaction still rolls back on a 5xx, and commits a 4xx with its answer).
 */
export function inRequestTransactionOrOwn<Result>(db: Database, work: (executor: Executor) => Promise<Result>) {
  const scope = openScope(scopesOf.get(db));
  return scope ? work(scope.executor) : db.transaction(work);
}
