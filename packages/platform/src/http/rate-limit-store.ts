import { lt, sql } from 'drizzle-orm';
import type { Database } from '../database/connection.js';
import type { RateLimitTable } from '../database/rate-limit-table.js';
import { executeOnce } from '../database/statement-once.js';
import { AppError } from '../errors.js';
import { naturalBatches } from '../natural-batches.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** A hit on a key, counted in a window of `windowMs` from its first hit. */
interface Hit {
  key: string;
  windowMs: number;
}
type Counted = { key: string; hits: number; ttl: number };

/** Each hit counted in one statement: a counter whose window ended starts again at 1. */
const countHits = (table: RateLimitTable, hits: Hit[]) => {
  const rows = hits.map(({ key, windowMs }) => sql`(${key}, 1, now() + make_interval(secs => ${windowMs / 1000}))`);
  return sql`
    insert into ${table} (key, hits, window_ends_at) values ${sql.join(rows, sql`, `)}
    on conflict (key) do update set
      hits = case when ${table.windowEndsAt} <= now() then 1 else ${table.hits} + 1 end,
      window_ends_at = case when ${table.windowEndsAt} <= now() then excluded.window_ends_at else ${table.windowEndsAt} end
    returning key, hits, ceil(extract(epoch from (window_ends_at - now())) * 1000)::int as ttl`;
};

/**
 * A store for @fastify/rate-limit that keeps counters in PostgreSQL, so every replica of a service counts against the
 * same limit, windows on the database's clock. One statement per hit, or, under load, for the hits that arrive while
 * one is in flight (`naturalBatches`): a request waits for no other when the service is idle.
 */
export function postgresRateLimitStore(db: Database, table: RateLimitTable) {
  const countOne = async (hit: Hit) => (await db.execute<Counted>(countHits(table, [hit]))).rows[0]!;
  const count = naturalBatches<Hit, Counted>({
    // One INSERT may not update a row twice: a key's second hit waits for the next batch.
    keyOf: (hit) => hit.key,
    async send(hits) {
      const together = hits.length > 1 ? executeOnce<Counted>(db, countHits(table, hits)) : undefined;
      const rows = await together?.then(
        ({ rows }) => new Map(rows.map((row) => [row.key, row])),
        () => undefined,
      );
      // Refused whole (its connection lost, say): each hit alone, for its own answer. Counted twice at worst, if the
      // refusal came after its commit: a limit one hit stricter, never looser.
      if (!rows) return Promise.allSettled(hits.map(countOne));
      return hits.map((hit) => {
        const row = rows.get(hit.key);
        return row ? { status: 'fulfilled', value: row } : { status: 'rejected', reason: new Error('Hit not counted') };
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
