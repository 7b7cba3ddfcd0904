import { lt, sql } from 'drizzle-orm';
import type { Database } from '../database/connection.js';
import type { RateLimitTable } from '../database/rate-limit-table.js';
import { AppError } from '../errors.js';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit that keeps counters in PostgreSQL, so every replica of a service counts against the
 * same limit. One statement per hit, windows on the database's clock: a counter whose window ended starts again at 1.
 */
export function postgresRateLimitStore(db: Database, table: RateLimitTable) {
  return class PostgresRateLimitStore {
    /** Set on a route's own store (see child); the plugin constructs the first one with its options. */
    scope = '';

    incr(requestKey: string, callback: Callback, timeWindow: number) {
      const key = this.scope + requestKey;
      const window = sql`make_interval(secs => ${timeWindow / 1000})`;
      db.execute<{ hits: number; ttl: number }>(
        sql`
        insert into ${table} (key, hits, window_ends_at) values (${key}, 1, now() + ${window})
        on conflict (key) do update set
          hits = case when ${table.windowEndsAt} <= now() then 1 else ${table.hits} + 1 end,
          window_ends_at = case when ${table.windowEndsAt} <= now() then now() + ${window} else ${table.windowEndsAt} end
        returning hits, ceil(extract(epoch from (window_ends_at - now())) * 1000)::int as ttl`,
      )
        .then(({ rows: [row] }) => callback(null, { current: row!.hits, ttl: Math.max(row!.ttl, 0) }))
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
