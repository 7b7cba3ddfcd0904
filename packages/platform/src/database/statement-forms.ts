import { createHash } from 'node:crypto';
import { withParametersInlined } from './inline-parameters.js';

// The forms a pg query call comes in, and what `PostgresClient` (postgres-client.ts) makes of each.

// The services run a few dozen distinct statements; a text built afresh each time (a list of variable length) stops
// being named past this many, so neither side's statement cache grows without bound.
const maximumNamedStatements = 500;
const statementNames = new Map<string, string>();

/** `SELECT-` and a hash of the text: traces name a query span after it, so it starts with the SQL command. */
export function statementName(text: string) {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < maximumNamedStatements) {
    const command = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    name = `${command}-${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

export interface QueryConfig {
  text: string;
  name?: string;
  rowMode?: string;
}

/** The statement a query call runs, given as text or as a config, when it has parameters and no name yet. */
export function parameterisedStatement(config: unknown, values: unknown): QueryConfig | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  if (typeof config === 'string') return { text: config };
  const given = config as (Partial<QueryConfig> & { submit?: unknown }) | null;
  // A Submittable (a cursor, a stream) runs itself and keeps its own prototype: it is passed through as it is.
  const plain = typeof given?.text === 'string' && given.name === undefined && typeof given.submit !== 'function';
  return plain ? (given as QueryConfig) : undefined;
}

/** The text of a call without parameters, callback or cursor: one that may travel in one message with others. */
export function simpleStatement(args: unknown[]): QueryConfig | undefined {
  const [config, values] = args;
  if (args.length > 2 || typeof args.at(-1) === 'function') return undefined;
  if (Array.isArray(values) && values.length > 0) return undefined;
  if (typeof config === 'string') return { text: config };
  const given = config as (Partial<QueryConfig> & { submit?: unknown; values?: unknown }) | null;
  // pg's `query({ text, values })` carries its parameters in the config: not simple either.
  const plain =
    typeof given?.text === 'string' &&
    given.name === undefined &&
    given.rowMode === undefined &&
    !(Array.isArray(given.values) && given.values.length > 0) &&
    typeof given.submit !== 'function';
  return plain ? (given as QueryConfig) : undefined;
}

/** A parameterised call (promise form) as a statement of text alone, when its parameters can be written in. */
export function inlinedStatement(args: unknown[]): QueryConfig | undefined {
  if (args.length !== 2 || !Array.isArray(args[1])) return undefined;
  const statement = parameterisedStatement(args[0], args[1]);
  const text = statement && withParametersInlined(statement.text, args[1]);
  return text ? { ...statement, text } : undefined;
}

/** `($1, $2, ...)`: written in by `withParametersInlined`, the arguments of an EXECUTE. */
export const placeholders = (count: number) =>
  `(${Array.from({ length: count }, (_, index) => `$${index + 1}`).join(', ')})`;

/** The statements pg has prepared on a connection, by name (pg's own record, which it consults before a Parse). */
type PreparedRecord = Record<string, string | undefined>;
export interface PgConnection {
  parsedStatements: PreparedRecord;
  submittedNamedStatements?: PreparedRecord;
}

// What PREPARE takes (a protocol-level Parse takes any statement, EXPLAIN or CALL too): the others are written in.
export const preparable = /^\s*(?:select|insert|update|delete|merge|with|values|table|\()/i;

/** A parameterised statement to run as EXECUTE of its prepared statement: its name, and its values written in. */
export interface Execution {
  statement: QueryConfig;
  name: string;
  values: string;
  prepared: boolean;
}

// PostgreSQL refuses to run a prepared statement whose result columns changed type since it was prepared (a migration
// another replica ran while this one serves), on every call, for as long as the connection lives.
export function isStalePlan(error: unknown) {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

/**
 * Starts a statement that `PostgresClient` may hold back and send in one message with the next one on its connection,
 * or with the transaction's COMMIT, answering it at once with an empty result. Only for a statement nobody reads the
 * result of (a write, a row lock), inside a transaction: its failure, if any, is reported by the statement it travelled
 * with. One with parameters is held with their values written in (`withParametersInlined`), or else sent at once. The
 * statements of one message run in order, each in a snapshot of its own (READ COMMITTED), so the statement after a held
 * `SELECT ... FOR UPDATE` starts once the lock is granted and sees what committed during the wait.
 */
export const sentWithNextStatement = '/* sent with the next statement */';

/** The command of a held statement (`SELECT`, `UPDATE`...), as the empty result answering it names it. */
export const heldCommand = (text: string) =>
  /^\s*(\w+)/.exec(text.slice(sentWithNextStatement.length))?.[1]?.toUpperCase() ?? 'UPDATE';

/** A marked call with parameters, its values written in: one that may be held, inside a transaction. */
export function markedWithParameters(args: unknown[]): QueryConfig | undefined {
  const statement = parameterisedStatement(args[0], args[1]);
  if (!statement?.text.trimStart().startsWith(sentWithNextStatement)) return undefined;
  return inlinedStatement(args);
}

// Every spelling that ends a transaction (END and ABORT are PostgreSQL's synonyms), so none leaves it thought open.
const transactionEnd = /^\s*(commit|end|rollback|abort)(?:\s+(?:work|transaction))?\s*;?\s*$/i;
export const endOf = (text: string) => {
  const word = transactionEnd.exec(text)?.[1]?.toLowerCase();
  return word === undefined ? undefined : word === 'rollback' || word === 'abort' ? 'rollback' : 'commit';
};
export const emptyResult = (command: string) => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });
