import { eq, lt } from 'drizzle-orm';
import type {
  FastifyInstance,
  FastifyRequest,
  onSendAsyncHookHandler,
  preHandlerAsyncHookHandler,
  RouteHandlerMethod,
} from 'fastify';
import type { Database } from '../database/connection.js';
import type { IdempotencyTable } from '../database/idempotency-table.js';
import { runInBackground } from './background-task.js';
import { answeredInOneTransaction } from './idempotent-transaction.js';
import {
  answerToTakenKey,
  claimKey,
  idempotentRequest,
  replay,
  storeAnswer,
  type IdempotentRequest,
} from './idempotency-keys.js';
import { keyClaim, type ClaimedWith } from './read-with-claim.js';

export { idempotencyKeyHeader, idempotentReplayedHeader } from './idempotency-keys.js';

/**
 * How a mutating route with an Idempotency-Key records its answer. `one-transaction`: claim, work and stored answer
 * commit together, for routes whose work is this service's database only. `separate-transactions`: the claim and the
 * answer are committed on their own around the work, for routes that call out (another service, a gateway) or hold
 * a request long, which must not keep a transaction open meanwhile.
 */
export type IdempotencyMode = 'one-transaction' | 'separate-transactions';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Overrides the service's idempotency mode for this route. */
    idempotency?: IdempotencyMode;
    /** A `separate-transactions` route's first read, sent in the statement claiming the key: see `readWithClaim`. */
    claimedWith?: ClaimedWith;
  }
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const pruneEveryMs = 60 * 60 * 1000;

/**
 * Every mutating route accepts an Idempotency-Key: the first response is stored with a hash of its
 * request and replayed for retries; the same key with another request is refused.
 */
export function installIdempotency(
  app: FastifyInstance,
  options: { db: Database; table: IdempotencyTable; ttlHours: number; mode?: IdempotencyMode },
) {
  const { db, table } = options;

  // `claimKey`, its insert sent in the statement of the route's read; a key another request holds is answered as
  // without the read.
  const claimWithRead = async (claimedWith: ClaimedWith, request: FastifyRequest, idempotent: IdempotentRequest) =>
    (await claimedWith(request, keyClaim(table, idempotent))) ? undefined : answerToTakenKey(db, table, idempotent);

  /** Claims the key before the handler (with the route's read, if it has one), or replays the answer stored for it. */
  const claimOrReplay =
    (claimedWith: ClaimedWith | undefined): preHandlerAsyncHookHandler =>
    async (request, reply) => {
      if (!mutatingMethods.has(request.method)) return;
      const idempotent = idempotentRequest(request);
      if (!idempotent) return;
      const stored = claimedWith
        ? await claimWithRead(claimedWith, request, idempotent)
        : await claimKey(db, table, idempotent);
      if (stored) return replay(reply, stored);
      request.idempotencyKey = idempotent.key;
    };

  /** Stores the answer to a claimed key, or frees the key when the service failed (5xx) so a retry runs again. */
  const storeOrRelease: onSendAsyncHookHandler = async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    if (reply.statusCode >= 500) await db.delete(table).where(eq(table.key, key));
    else await storeAnswer(db, table, key, reply.statusCode, String(payload ?? ''));
    return payload;
  };

  // Hooks on the mutating routes only: app-wide ones would cost every GET two promises for nothing.
  app.addHook('onRoute', (route) => {
    if (![route.method].flat().some((method) => mutatingMethods.has(method))) return;
    const mode = route.config?.idempotency ?? options.mode ?? 'separate-transactions';
    route.config = { ...route.config, idempotency: mode };
    if (mode === 'one-transaction') {
      if (route.config.claimedWith) throw new Error(`${route.url}: a read with the claim needs separate transactions`);
      route.handler = answeredInOneTransaction(route.handler as RouteHandlerMethod, { db, table });
      return;
    }
    route.preHandler = [claimOrReplay(route.config.claimedWith), ...[route.preHandler ?? []].flat()];
    route.onSend = [...[route.onSend ?? []].flat(), storeOrRelease];
  });

  runInBackground(app, {
    name: 'pruning idempotency keys',
    everyMs: pruneEveryMs,
    run: () => db.delete(table).where(lt(table.createdAt, new Date(Date.now() - options.ttlHours * 3_600_000))),
  });
}
