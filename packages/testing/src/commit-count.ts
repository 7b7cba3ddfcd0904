import pg from 'pg';

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/**
 * The PostgreSQL transactions this process commits while `work` runs: each COMMIT, and each statement sent outside a
 * transaction (it commits on its own). Counted where pg sends them, so it sees the services a test runs in-process,
 * exactly and at once, which the server's statistics (published seconds later) do not. `ignore` matches statements of
 * background work that may run meanwhile (a prune a service starts when it is ready, say).
 */
export async function commitsDuring(work: () => Promise<unknown>, ignore?: RegExp) {
  const inTransaction = new WeakSet<pg.Client>();
  let commits = 0;
  const send = pg.Client.prototype.query as Query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: unknown } | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
    if (ignore?.test(text)) return send.apply(this, args);
    const command = /^\s*(\w+)(\s+to\b)?/i.exec(text);
    const verb = command?.[1]?.toLowerCase();
    if (verb === 'begin' || verb === 'start') inTransaction.add(this);
    else if (verb === 'commit' || verb === 'end') {
      inTransaction.delete(this);
      commits += 1;
    } else if (verb === 'rollback' && !command?.[2]) inTransaction.delete(this);
    else if (!inTransaction.has(this)) commits += 1;
    return send.apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = send as typeof pg.Client.prototype.query;
  }
  return commits;
}
