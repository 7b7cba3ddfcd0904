import pg from 'pg';

/**
 * Marks a statement (without parameters) that may wait for the COMMIT ending its transaction and travel with it: the
 * answer an idempotent request stores, say. It is sent at once if anything else comes first.
 */
export const sentWithCommit = '/* sent with commit */ ';

type Query = (...args: unknown[]) => Promise<pg.QueryResult>;

/** A query given as bare text, without parameters, name or callback: one that may share a round trip. */
function bareText(args: unknown[]): string | undefined {
  const [config, values, callback] = args;
  if (callback !== undefined || typeof values === 'function') return undefined;
  if (Array.isArray(values) ? values.length > 0 : values !== undefined) return undefined;
  if (typeof config === 'string') return config;
  const given = config as { text?: unknown; name?: unknown; submit?: unknown } | null;
  const plain = typeof given?.text === 'string' && given.name === undefined && typeof given.submit !== 'function';
  return plain ? (given.text as string) : undefined;
}

const held = (command: string) =>
  Promise.resolve({ command, rowCount: null, oid: 0, rows: [], fields: [] } as unknown as pg.QueryResult);

/** Several statements sent as one query string answer each; the caller asked for the last. */
const lastOf = (result: pg.QueryResult | pg.QueryResult[]) => (Array.isArray(result) ? result.at(-1)! : result);

/**
 * A connection that saves round trips at the edges of a transaction, where every statement would otherwise wake
 * PostgreSQL and this process once more: BEGIN waits and goes with the next statement when that one is bare text (an
 * idempotency key's claim, say), and a statement marked `sentWithCommit` goes with the COMMIT. PostgreSQL runs a
 * query string's statements in order and stops at the first that fails, so each answers as if sent alone: a failed
 * claim leaves the transaction begun and aborted, a failed marked statement leaves it uncommitted. A statement that
 * cannot share (parameters, a callback) sends what waits first, in order.
 */
export class BatchingClient extends pg.Client {
  #waiting: { text: string; before: boolean } | undefined;

  // pg's overloads of query cannot be restated one by one: every form passes through, bare text maybe joined.
  override query(...args: unknown[]): never {
    const send = (pg.Client.prototype.query as Query).bind(this);
    const text = bareText(args);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (!waiting) {
      if (text === undefined) return send(...args) as never;
      if (/^\s*begin\s*$/i.test(text)) this.#waiting = { text, before: true };
      else if (text.startsWith(sentWithCommit)) this.#waiting = { text, before: false };
      else return send(...args) as never;
      return held(this.#waiting.before ? 'BEGIN' : 'UPDATE') as never;
    }
    const joins = waiting.before ? text !== undefined : text !== undefined && /^\s*commit\s*$/i.test(text);
    if (joins) return send(`${waiting.text};\n${text}`).then(lastOf) as never;
    // A Submittable (a cursor, a stream) is answered with itself at once: what waits goes ahead of it in pg's queue.
    if (typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') {
      send(waiting.text).catch(() => undefined);
      return send(...args) as never;
    }
    const callback = args.at(-1);
    return send(waiting.text).then(
      () => send(...args),
      (error: unknown) => (typeof callback === 'function' ? callback(error) : Promise.reject(error)),
    ) as never;
  }
}
