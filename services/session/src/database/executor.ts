import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';

/** The pool or an open transaction: repositories run the same queries on either. */
export type Executor = PgDatabase<NodePgQueryResultHKT, Record<string, never>>;
