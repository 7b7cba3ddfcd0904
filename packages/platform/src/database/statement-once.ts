import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from './transactions.js';
import { withParametersInlined } from './inline-parameters.js';

const dialect = new PgDialect();

/**
 * Runs `query` as plain text with its parameters written in (`withParametersInlined`), so that it is never named and
 * prepared: for a statement whose text is built afresh each time (a batch of a varying number of items), which would
 * otherwise take a name and a prepared statement on each connection for every shape it takes. Undefined, without
 * running it, when its parameters cannot be written in.
 */
export function executeOnce<Row extends Record<string, unknown>>(executor: Executor, query: SQL) {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const inlined = withParametersInlined(text, params, { repeats: false });
  return inlined === undefined ? undefined : executor.execute<Row>(sql.raw(inlined));
}
