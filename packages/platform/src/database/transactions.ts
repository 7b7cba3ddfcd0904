import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Database } from './connection.js';
import { inRequestTransactionOrOwn } from './request-transaction.js';

/** The pool or an open transaction: repositories run the same queries on either. */
export type Executor = PgDatabase<NodePgQueryResultHKT, Record<string, never>>;

/**
 * The one transaction pattern: the repositories `create` makes, on the pool for single statements, and
 * `transaction(work)`, which gives `work` the same repositories bound to one transaction, so a thrown error undoes
 * every change it made.
 */
export function withTransactions<Repositories extends object>(
  db: Database,
  create: (executor: Executor) => Repositories,
) {
  return {
    ...create(db),
    transaction: <Result>(work: (repositories: Repositories) => Promise<Result>) =>
      db.transaction((tx) => work(create(tx))),
    /**
     * `transaction` for work whose refusals all come before its writes: inside a request's transaction (an idempotent
     * request answered in one) it joins that one instead of opening a savepoint. See `inRequestTransactionOrOwn`.
     */
    transactionJoiningRequest: <Result>(work: (repositories: Repositories) => Promise<Result>) =>
      inRequestTransactionOrOwn(db, (tx) => work(create(tx))),
  };
}
