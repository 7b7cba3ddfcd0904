import { createHash } from 'node:crypto';
import { errorCodes } from '@ecomm/contracts';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../database/connection.js';
import type { IdempotencyTable } from '../database/idempotency-table.js';
import { AppError } from '../errors.js';
import { runInBackground } from './background-task.js';

export const idempotencyKeyHeader = 'idempotency-key';
/** Marks a response as the stored answer to an earlier request with the same key. */
export const idempotentReplayedHeader = 'idempotent-replayed';
const mutatingMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// A first attempt that has held its key this long is presumed dead (its process crashed mid-request): longer than
// any request should take, measured on the database's clock.
const abandonedAfter = sql`now() - interval '5 minutes'`;
const pruneEveryMs = 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

const maximumDepth = 64;

function canonicalJson(value: unknown, depth = 0): string {
  if (depth > maximumDepth)
    throw AppError.badRequest(`The request body is nested more than ${maximumDepth} levels deep`);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item, depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest) {
  const fingerprint = `${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`;
  return createHash('sha256').update(fingerprint).digest('hex');
}

function readKey(request: FastifyRequest) {
  const key = request.headers[idempotencyKeyHeader];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw AppError.badRequest('Idempotency-Key must be 1-255 printable ASCII characters without spaces');
  }
  return key;
}

/**
 * A key belongs to its caller (Stripe semantics): on a route a user is authenticated for, it is stored under that
 * user, so another user's identical key neither replays this one's answer nor blocks it. Internal routes (callers
 * holding the internal key) share one space.
 */
function scopedKey(request: FastifyRequest, key: string) {
  return request.user ? `user:${request.user.id}:${key}` : key;
}

/**
 * Every mutating route accepts an Idempotency-Key: the first response is stored with a hash of its
 * request and replayed for retries; the same key with another request is refused.
 */
export function installIdempotency(
  app: FastifyInstance,
  options: { db: Database; table: IdempotencyTable; ttlHours: number },
) {
  const { db, table } = options;

  app.addHook('preHandler', async (request, reply) => {
    if (!mutatingMethods.has(request.method)) return;
    const given = readKey(request);
    if (!given) return;
    const key = scopedKey(request, given);
    const hash = requestHash(request);

    const claimed = await db
      .insert(table)
      .values({ key, requestHash: hash, state: 'in_progress' })
      .onConflictDoNothing()
      .returning({ key: table.key });
    if (claimed.length > 0) {
      request.idempotencyKey = key;
      return;
    }

    const [stored] = await db.select().from(table).where(eq(table.key, key));
    if (!stored) throw AppError.conflict('Idempotency-Key was just released; retry the request');
    if (stored.requestHash !== hash) {
      throw AppError.unprocessable(`Idempotency-Key "${given}" was already used for a different request`);
    }
    if (stored.state === 'completed') {
      return reply
        .status(stored.responseStatus ?? 200)
        .header('content-type', 'application/json; charset=utf-8')
        .header(idempotentReplayedHeader, 'true')
        .send(stored.responseBody);
    }
    const takenOver = await db
      .update(table)
      .set({ lockedAt: sql`now()` })
      .where(and(eq(table.key, key), eq(table.state, 'in_progress'), lt(table.lockedAt, abandonedAfter)))
      .returning({ key: table.key });
    if (takenOver.length === 0) {
      throw new AppError(
        409,
        errorCodes.IDEMPOTENCY_IN_PROGRESS,
        `A request with Idempotency-Key "${given}" is still in progress; retry shortly`,
      );
    }
    request.idempotencyKey = key;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    if (reply.statusCode >= 500) {
      await db.delete(table).where(eq(table.key, key));
    } else {
      await db
        .update(table)
        .set({ state: 'completed', responseStatus: reply.statusCode, responseBody: String(payload ?? '') })
        .where(eq(table.key, key));
    }
    return payload;
  });

  runInBackground(app, {
    name: 'pruning idempotency keys',
    everyMs: pruneEveryMs,
    run: () => db.delete(table).where(lt(table.createdAt, new Date(Date.now() - options.ttlHours * 3_600_000))),
  });
}
