import pg from 'pg';
import { withParametersInlined } from './inline-parameters.js';
import {
  emptyResult,
  endOf,
  heldCommand,
  inlinedStatement,
  isStalePlan,
  markedWithParameters,
  parameterisedStatement,
  placeholders,
  preparable,
  sentWithNextStatement,
  simpleStatement,
  statementName,
  type Execution,
  type PgConnection,
  type QueryConfig,
} from './statement-forms.js';

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
