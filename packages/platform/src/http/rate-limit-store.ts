import { lt, sql } from 'drizzle-orm';
import type { Database } from '../database/connection.js';
import type { RateLimitTable } from '../database/rate-limit-table.js';
import { executeOnce } from '../database/statement-once.js';
import { isRefusedStatement } from '../database/statement-refusals.js';
import { AppError } from '../errors.js';
import { naturalBatches } from '../natural-batches.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A hit on a key, counted in a window of `windowMs` from its first hit. */
interface Hit {
  key: string;
  windowMs: number;
}
/** A key's hits of one batch, `hits` of them, counted as one. */
type KeyHits = Hit & { hits: number };
type Counted = { key: string; hits: number; ttl: number };

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Hits counted in one statement, a key's all at once (`hits + n`: one INSERT may not update a row twice); a counter
 * whose window ended starts again at n. The keys' rows are locked in the order given: sorted, so that two replicas'
 * statements never each hold a row the other waits for (a deadlock, broken only after deadlock_timeout).
 */
const countHits = (table: RateLimitTable, keys: KeyHits[]) => {
  const rows = keys.map(
    ({ key, hits, windowMs }) => sql`(${key}, ${hits}, now() + make_interval(secs => ${windowMs / 1000}))`,
  );
  return sql`
    insert into ${table} (key, hits, window_ends_at) values ${sql.join(rows, sql`, `)}
    on conflict (key) do update set
      hits = case when ${table.windowEndsAt} <= now() then excluded.hits else ${table.hits} + excluded.hits end,
      window_ends_at = case when ${table.windowEndsAt} <= now() then excluded.window_ends_at else ${table.windowEndsAt} end
    returning key, hits, ceil(extract(epoch from (window_ends_at - now())) * 1000)::int as ttl`;
};

/** The hits of a batch by key, in the keys' order: each key once, with how many hits it had. */
function keysOf(hits: Hit[]) {
  const keys = new Map<string, KeyHits>();
  for (const hit of hits) {
    const counted = keys.get(hit.key);
    if (counted) counted.hits += 1;
    else keys.set(hit.key, { ...hit, hits: 1 });
  }
  return [...keys.values()].sort(byKey);
}

/**
 * A store for @fastify/rate-limit that keeps counters in PostgreSQL, so every replica of a service counts against the
 * same limit, windows on the database's clock. One statement per hit, or, under load, for the hits that arrive while
 * one is in flight (`naturalBatches`): a request waits for no other when the service is idle, and a client's burst
 * on one key is counted in one statement too, each hit answered with its own count.
 */
export function postgresRateLimitStore(db: Database, table: RateLimitTable) {
  const countOne = async (hit: Hit) => (await db.execute<Counted>(countHits(table, [{ ...hit, hits: 1 }]))).rows[0]!;
  const count = naturalBatches<Hit, Counted>({
    async send(hits) {
      const keys = keysOf(hits);
      // One key is the prepared statement of its shape; several, text never prepared.
      const counted = await (
        keys.length === 1
          ? db.execute<Counted>(countHits(table, keys))
          : executeOnce<Counted>(db, countHits(table, keys))
      )?.then(
        ({ rows }) => new Map(rows.map((row) => [row.key, row])),
        // A database out of reach fails the batch, and the hits waiting for it (`naturalBatches`).
        (error: unknown) => {
          if (isRefusedStatement(error)) return undefined;
          throw error;
        },
      );
      // Not written in, or refused for what it holds: each hit alone, for its own answer.
      if (!counted) return Promise.allSettled(hits.map(countOne));
      // A key's n hits took its counter from c - n to c: the first is answered c - n + 1, the last c.
      const answered = new Map<string, number>();
      const hitsOf = new Map(keys.map((key) => [key.key, key.hits]));
      return hits.map((hit): PromiseSettledResult<Counted> => {
        const row = counted.get(hit.key);
        if (!row) return { status: 'rejected', reason: new Error('Hit not counted') };
        const before = answered.get(hit.key) ?? 0;
        answered.set(hit.key, before + 1);
        return { status: 'fulfilled', value: { ...row, hits: row.hits - hitsOf.get(hit.key)! + before + 1 } };
      });
    },
  });

  return class PostgresRateLimitStore {
    /** Set on a route's own store (see child); the plugin constructs the first one with its options. */
    scope = '';

    incr(requestKey: string, callback: Callback, timeWindow: number) {
      count({ key: this.scope + requestKey, windowMs: timeWindow })
        .then((row) => callback(null, { current: row.hits, ttl: Math.max(row.ttl, 0) }))
        .catch((error: Error) => callback(error));
    }

    /**
     * A route's own limit (`config.rateLimit`) counts apart from every other route's, as the plugin's memory store
     * does; limits made with `app.rateLimit()` carry no route and name it in their key generators instead.
     */
    child(options: object) {
      const route = (options as { routeInfo?: { method: string | string[]; url: string } }).routeInfo;
      const store = new PostgresRateLimitStore();
      store.scope = route ? `${[route.method].flat().join(',')} ${route.url}:` : '';
      return store;
    }
  };
}

/** Counters whose window ended long ago are only clutter. */
export function pruneRateLimitCounters(db: Database, table: RateLimitTable) {
  return db.delete(table).where(lt(table.windowEndsAt, sql`now() - interval '1 hour'`));
}

/** What every rate limit answers (@fastify/rate-limit's errorResponseBuilder): a 429 saying when to retry. */
export function rateLimitError(_request: unknown, context: { ttl: number }) {
  return new AppError(429, 'RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds`);
}
