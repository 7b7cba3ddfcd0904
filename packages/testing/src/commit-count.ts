import pg from 'pg';

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/** A statement pg sent: its text, and the application name of the pool that sent it (the service, in a cluster). */
export interface SentStatement {
  application: string;
  text: string;
}

/**
 * Calls `observe` with every statement any pg client of this process sends while `work` runs, before sending it.
 * Seen where pg sends them, so the services a test runs in-process are seen exactly and at once. `ignore` matches
 * statements of background work that may run meanwhile (a prune a service starts when it is ready, say).
 */
async function watchStatements(
  work: () => Promise<unknown>,
  observe: (client: pg.Client, text: string) => void,
  ignore?: RegExp,
) {
  const send = pg.Client.prototype.query as Query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: unknown } | undefined;
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
    if (!ignore?.test(text)) observe(this, text);
    return send.apply(this, args);
  } as typeof pg.Client.prototype.query;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = send as typeof pg.Client.prototype.query;
  }
}

/**
 * The PostgreSQL transactions this process commits while `work` runs: each COMMIT, and each statement sent outside a
 * transaction (it commits on its own).
 */
export async function commitsDuring(work: () => Promise<unknown>, ignore?: RegExp) {
  const inTransaction = new WeakSet<pg.Client>();
  let commits = 0;
  await watchStatements(
    work,
    (client, text) => {
      const command = /^\s*(\w+)(\s+to\b)?/i.exec(text);
      const verb = command?.[1]?.toLowerCase();
      // A text of several statements (a BEGIN or an answer sent with the next one) may end the transaction it starts.
      const endsInCommit = /;\s*(commit|end)\s*$/i.test(text);
      if (verb === 'begin' || verb === 'start') inTransaction.add(client);
      else if (verb === 'commit' || verb === 'end') {
        inTransaction.delete(client);
        commits += 1;
      } else if (verb === 'rollback' && !command?.[2]) inTransaction.delete(client);
      else if (!inTransaction.has(client)) commits += 1;
      if (endsInCommit && inTransaction.delete(client)) commits += 1;
    },
    ignore,
  );
  return commits;
}

/**
 * Every statement this process sends to PostgreSQL while `work` runs, BEGIN, SAVEPOINT and COMMIT included: each is a
 * round trip. In a cluster of in-process services, `application` tells which service sent it.
 */
export async function statementsDuring(work: () => Promise<unknown>, ignore?: RegExp) {
  const sent: SentStatement[] = [];
  await watchStatements(
    work,
    (client, text) => {
      const { application_name } = (client as pg.Client & { connectionParameters: pg.ClientConfig })
        .connectionParameters;
      sent.push({ application: application_name ?? '', text });
    },
    ignore,
  );
  return sent;
}

/** What `work` returned, and the statements (round trips) the pools of `application` sent while it ran. */
export async function roundTripsDuring<Result>(application: string, work: () => Promise<Result>, ignore?: RegExp) {
  let result: { value: Result } | undefined;
  const sent = await statementsDuring(async () => (result = { value: await work() }), ignore);
  return {
    result: result!.value,
    roundTrips: sent.filter((statement) => statement.application === application).length,
  };
}
