import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { Database } from './connection.js';

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
  };
}
