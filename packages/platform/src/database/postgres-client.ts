import { createHash } from 'node:crypto';
import pg from 'pg';
import { withParametersInlined } from './inline-parameters.js';

// The services run a few dozen distinct statements; a text built afresh each time (a list of variable length) stops
// being named past this many, so neither side's statement cache grows without bound.
const maximumNamedStatements = 500;
const statementNames = new Map<string, string>();

/** `SELECT-` and a hash of the text: traces name a query span after it, so it starts with the SQL command. */
function statementName(text: string) {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < maximumNamedStatements) {
    const command = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    name = `${command}-${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

interface QueryConfig {
  text: string;
  name?: string;
  rowMode?: string;
}

/** The statement a query call runs, given as text or as a config, when it has parameters and no name yet. */
function parameterisedStatement(config: unknown, values: unknown): QueryConfig | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  if (typeof config === 'string') return { text: config };
  const given = config as (Partial<QueryConfig> & { submit?: unknown }) | null;
  // A Submittable (a cursor, a stream) runs itself and keeps its own prototype: it is passed through as it is.
  const plain = typeof given?.text === 'string' && given.name === undefined && typeof given.submit !== 'function';
  return plain ? (given as QueryConfig) : undefined;
}

/** The text of a call without parameters, callback or cursor: one that may travel in one message with others. */
function simpleStatement(args: unknown[]): QueryConfig | undefined {
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
function inlinedStatement(args: unknown[]): QueryConfig | undefined {
  if (args.length !== 2 || !Array.isArray(args[1])) return undefined;
  const statement = parameterisedStatement(args[0], args[1]);
  const text = statement && withParametersInlined(statement.text, args[1]);
  return text ? { ...statement, text } : undefined;
}

/** `($1, $2, ...)`: written in by `withParametersInlined`, the arguments of an EXECUTE. */
const placeholders = (count: number) => `(${Array.from({ length: count }, (_, index) => `$${index + 1}`).join(', ')})`;

/** The statements pg has prepared on a connection, by name (pg's own record, which it consults before a Parse). */
type PreparedRecord = Record<string, string | undefined>;
interface PgConnection {
  parsedStatements: PreparedRecord;
  submittedNamedStatements?: PreparedRecord;
}

// What PREPARE takes (a protocol-level Parse takes any statement, EXPLAIN or CALL too): the others are written in.
const preparable = /^\s*(?:select|insert|update|delete|merge|with|values|table|\()/i;

/** A parameterised statement to run as EXECUTE of its prepared statement: its name, and its values written in. */
interface Execution {
  statement: QueryConfig;
  name: string;
  values: string;
  prepared: boolean;
}

// PostgreSQL refuses to run a prepared statement whose result columns changed type since it was prepared (a migration
// another replica ran while this one serves), on every call, for as long as the connection lives.
function isStalePlan(error: unknown) {
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
const heldCommand = (text: string) =>
  /^\s*(\w+)/.exec(text.slice(sentWithNextStatement.length))?.[1]?.toUpperCase() ?? 'UPDATE';

/** A marked call with parameters, its values written in: one that may be held, inside a transaction. */
function markedWithParameters(args: unknown[]): QueryConfig | undefined {
  const statement = parameterisedStatement(args[0], args[1]);
  if (!statement?.text.trimStart().startsWith(sentWithNextStatement)) return undefined;
  return inlinedStatement(args);
}

// Every spelling that ends a transaction (END and ABORT are PostgreSQL's synonyms), so none leaves it thought open.
const transactionEnd = /^\s*(commit|end|rollback|abort)(?:\s+(?:work|transaction))?\s*;?\s*$/i;
const endOf = (text: string) => {
  const word = transactionEnd.exec(text)?.[1]?.toLowerCase();
  return word === undefined ? undefined : word === 'rollback' || word === 'abort' ? 'rollback' : 'commit';
};
const emptyResult = (command: string) => ({ command, rowCount: null, oid: 0, rows: [], fields: [] });

/**
 * A connection that saves round trips (each wakes PostgreSQL and this process: measured here, the larger part of what
 * a statement costs both):
 * - It names each parameterised statement after its text, so PostgreSQL parses and plans it once per connection
 *   instead of at every call (on a primary-key lookup: 30 µs of server CPU instead of 85, 40 µs on the client instead
 *   of 60). The name is a hash of the text, so one name always means one statement. A statement refused as stale fails
 *   that once; the next call prepares it again under a name of this connection's.
 * - It holds back a transaction's BEGIN, and statements marked `sentWithNextStatement` (with their parameters written
 *   in as constants, see `withParametersInlined`; one whose cannot be is sent at once), and sends them in one message
 *   (PostgreSQL's simple protocol runs a text of several statements in order) with the next statement: as EXECUTE of
 *   its prepared statement with its values written in (PREPAREd in that message on its first use on the connection),
 *   or, not named, as its text with them written in. When they cannot be, the held ones go first on their own, in
 *   order, as they would have. A held statement's failure is the error of the statement it travelled with.
 */
export class PostgresClient extends pg.Client {
  static preparing = true;
  readonly #renamed = new Map<string, string>();
  #renames = 0;
  /** Texts whose PREPARE travelled in a failed message twice: each may have left a name behind, so no more. */
  readonly #notExecuted = new Set<string>();
  #held: string[] = [];
  #inTransaction = false;

  // pg's overloads of query cannot be restated one by one: every form passes through.
  override query(...args: unknown[]): never {
    const simple = simpleStatement(args);
    const text = simple?.text.trim() ?? '';
    const held = this.#held;
    if (simple && /^begin$/i.test(text) && held.length === 0) {
      this.#inTransaction = true;
      // Held as `begin` however it was spelled (LangGraph's saver sends `BEGIN`): it is recognised below by that.
      return this.#hold('begin', 'BEGIN');
    }
    if (this.#inTransaction) {
      const marked = simple ? text.startsWith(sentWithNextStatement) && text : markedWithParameters(args)?.text.trim();
      if (marked) return this.#hold(marked, heldCommand(marked));
    }
    if (simple && /^(begin|start)\b/i.test(text)) this.#inTransaction = true;
    const end = simple ? endOf(text) : undefined;
    if (end) this.#inTransaction = false;
    if (held.length === 0) return this.#send(args);
    this.#held = [];
    // A transaction that never sent anything has nothing to end; one that rolls back undoes what is held.
    const neverStarted = /^begin$/i.test(held[0] ?? '');
    if ((end === 'rollback' && neverStarted) || (end === 'commit' && held.length === 1 && neverStarted)) {
      return Promise.resolve(emptyResult(end.toUpperCase())) as never;
    }
    if (end === 'rollback') return this.#send(args);
    if (simple) return this.#sendTogether([...held, simple.text], args) as never;
    const execution = this.#execution(args);
    if (execution) return this.#executeTogether(held, execution) as never;
    const inlined = inlinedStatement(args);
    if (inlined) return this.#sendTogether([...held, inlined.text], [inlined]) as never;
    const before = this.#sendTogether(held, [held.join(';\n')]);
    before.catch(() => undefined);
    const after = this.#send(args) as unknown;
    // A call with a callback, or a Submittable (a cursor, a stream), answers for itself: it is not a promise.
    if (!(after instanceof Promise)) return after as never;
    // Sent in order after the held ones; if they failed, theirs is the error that explains this one's.
    return after.catch(async (error: unknown) => {
      await before;
      throw error;
    }) as never;
  }

  /** Drops what a transaction never sent: its connection goes back to the pool, or away. */
  forgetHeld() {
    this.#held = [];
    this.#inTransaction = false;
  }

  #hold(text: string, command: string): never {
    this.#held.push(text);
    return Promise.resolve(emptyResult(command)) as never;
  }

  /**
   * A parameterised call that travels with held statements as EXECUTE of the statement prepared under its name (by pg,
   * or by a PREPARE in the same message on its first use on this connection), so it is planned once per connection
   * there too. Undefined when it is not named (see `preparing`) or a value cannot be written in.
   */
  #execution(args: unknown[]): Execution | undefined {
    const [config, values] = args;
    if (!(this.constructor as typeof PostgresClient).preparing || args.length !== 2 || !Array.isArray(values)) {
      return undefined;
    }
    const statement = parameterisedStatement(config, values);
    if (!statement || !preparable.test(statement.text) || this.#notExecuted.has(statement.text)) return undefined;
    const name = this.#renamed.get(statement.text) ?? statementName(statement.text);
    const written = name && withParametersInlined(placeholders(values.length), values);
    if (!name || !written) return undefined;
    const { parsedStatements, submittedNamedStatements } = (this as unknown as { connection: PgConnection }).connection;
    // A call queued before this one prepares the statement when its turn comes, before this one's message.
    const queued = (this as unknown as { _queryQueue?: QueryConfig[] })._queryQueue?.find(
      (query) => query.name === name,
    );
    const known = parsedStatements[name] ?? submittedNamedStatements?.[name] ?? queued?.text;
    if (known !== undefined && known !== statement.text) return undefined;
    return { statement, name, values: written, prepared: known !== undefined };
  }

  async #executeTogether(held: string[], { statement, name, values, prepared }: Execution) {
    const quoted = `"${name}"`;
    const preparing = prepared ? [] : [`prepare ${quoted} as ${statement.text}`];
    // Recorded at once where pg looks before it prepares a statement: a call queued behind this one is bound to the
    // name instead of preparing it again (after a failure here, such a call is in a failed transaction anyway).
    if (!prepared) (this as unknown as { connection: PgConnection }).connection.parsedStatements[name] = statement.text;
    try {
      return await this.#sendTogether([...held, ...preparing, `execute ${quoted}${values}`], [statement]);
    } catch (error) {
      // A PREPARE outlives the transaction it ran in, and a failed message does not tell whether it ran: the name is
      // not used again on this connection. A stale plan is renamed as in `#send`.
      // A text whose first use keeps failing (a conflict its caller expects) would leave a name per failure.
      if (!prepared && this.#renamed.has(statement.text)) this.#notExecuted.add(statement.text);
      if (!prepared || isStalePlan(error)) {
        this.#renamed.set(statement.text, `${statementName(statement.text)}_${++this.#renames}`);
      }
      throw error;
    }
  }

  /** Several statements in one message: PostgreSQL answers each; the caller gets the last one's answer. */
  async #sendTogether(texts: string[], args: unknown[]) {
    const [config] = args;
    // A line break after a text with `--` in it: a comment on its last line would take the `;` after it in.
    const text = texts.map((each) => (each.includes('--') ? `${each}\n` : each)).join(';\n');
    const together = typeof config === 'string' ? text : { ...(config as QueryConfig), text };
    const results = (await (pg.Client.prototype.query as (...args: unknown[]) => Promise<unknown>).call(
      this,
      together,
    )) as unknown;
    return Array.isArray(results) ? results.at(-1) : results;
  }

  #send(args: unknown[]): never {
    const query = (pg.Client.prototype.query as (...args: unknown[]) => never).bind(this);
    const statement = (this.constructor as typeof PostgresClient).preparing && parameterisedStatement(args[0], args[1]);
    const name = statement && (this.#renamed.get(statement.text) ?? statementName(statement.text));
    if (!statement || !name) return query(...args);
    args[0] = { ...statement, name };
    const renameIfStale = (error: unknown) => {
      if (isStalePlan(error)) this.#renamed.set(statement.text, `${statementName(statement.text)}_${++this.#renames}`);
    };
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        renameIfStale(error);
        callback(error, result);
      };
      return query(...args);
    }
    return (query(...args) as Promise<unknown>).catch((error: unknown) => {
      renameIfStale(error);
      throw error;
    }) as never;
  }
}

/** The same client without naming statements (`DATABASE_PREPARED_STATEMENTS=false`). */
export class UnpreparedPostgresClient extends PostgresClient {
  static override preparing = false;
}
