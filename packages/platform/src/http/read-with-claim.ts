import { sql, type SQL, type WithSubquery } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyTable } from '../database/idempotency-table.js';
import type { IdempotentRequest } from './idempotency-keys.js';

/**
 * The key's claim (`claimKey`'s insert) as a data-modifying CTE, for a statement that reads what the route needs with
 * it: `db.with(claim.cte).select({ claimed: claim.claimed, ... })`. Committed with that statement, on its own.
 */
export interface KeyClaim {
  cte: WithSubquery;
  /** True when this statement claimed the key; false when it is another request's (in flight or answered). */
  claimed: SQL<boolean>;
}

export function keyClaim(table: IdempotencyTable, request: IdempotentRequest): KeyClaim {
  const columns = sql.join(
    [table.key, table.requestHash, table.state].map((column) => sql.identifier(column.name)),
    sql`, `,
  );
  const cte = new QueryBuilder().$with('claimed_key', { one: sql<number>`one` }).as(
    sql`insert into ${table} (${columns}) values (${request.key}, ${request.hash}, 'in_progress')
          on conflict do nothing returning 1 as one`,
  );
  return { cte, claimed: sql<boolean>`exists (select from ${cte})` };
}

/** A read that travels with a key's claim; it answers, with what it read, whether it claimed the key. */
export type ClaimingRead<Read> = (request: FastifyRequest, claim: KeyClaim) => Promise<Read & { claimed: boolean }>;
/** What a route's config holds (`claimedWith`): runs the read with the claim, answers whether it claimed the key. */
export type ClaimedWith = (request: FastifyRequest, claim: KeyClaim) => Promise<boolean>;

/**
 * For a route answered in separate transactions whose handler reads first: the read travels in the statement that
 * claims the request's key, one round trip instead of two. On the route, `config: { claimedWith: read.claimingWith }`;
 * in its handler, `read.of(request)` is what it read when that statement claimed the key, else undefined (no key, or
 * a key taken over as abandoned) and the handler reads for itself. A key that is another request's is answered as
 * without the read (replayed, refused, in progress), the read dropped. The read's snapshot is the claim's: anything
 * it decides must still be settled where the work is done, as it would be for a read in a statement of its own.
 */
export function readWithClaim<Read>(read: ClaimingRead<Read>) {
  const reads = new WeakMap<FastifyRequest, Read>();
  return {
    claimingWith: (async (request, claim) => {
      const found = await read(request, claim);
      if (found.claimed) reads.set(request, found);
      return found.claimed;
    }) satisfies ClaimedWith,
    of: (request: FastifyRequest): Read | undefined => reads.get(request),
  };
}
