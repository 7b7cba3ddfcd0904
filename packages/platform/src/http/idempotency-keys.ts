import { createHash } from 'node:crypto';
import { errorCodes } from '@ecomm/contracts';
import { and, eq, getTableName, lt, sql, type Column } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pg from 'pg';
import { sentWithNextStatement } from '../database/statement-forms.js';
import type { IdempotencyTable } from '../database/idempotency-table.js';
import type { Executor } from '../database/transactions.js';
import { AppError } from '../errors.js';
import { databaseErrorCode } from './error-handler.js';

/** Marks a response as the stored answer to an earlier request with the same key. */
export const idempotentReplayedHeader = 'idempotent-replayed';
export const idempotencyKeyHeader = 'idempotency-key';
// A first attempt that has held its key this long is presumed dead (its process crashed mid-request): longer than
// any request should take, measured on the database's clock.
const abandonedAfter = sql`now() - interval '5 minutes'`;
const maximumDepth = 64;

/** A value quoted into the text (pg's escaping, PostgreSQL's rules for a string constant), not sent as a parameter. */
const literal = (value: string) => sql.raw(pg.escapeLiteral(value));
/** A column by its bare name, as an INSERT's column list and an UPDATE's SET want it. */
const column = (of: Column) => sql.identifier(of.name);

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

function readKey(request: FastifyRequest) {
  const key = request.headers[idempotencyKeyHeader];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.length < 1 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw AppError.badRequest('Idempotency-Key must be 1-255 printable ASCII characters without spaces');
  }
  return key;
}

export interface IdempotentRequest {
  /** As the caller gave it. */
  given: string;
  /** As stored: a key belongs to its caller (Stripe semantics), see below. */
  key: string;
  hash: string;
}

/**
 * The request's key, if it has one. On a route a user is authenticated for, the key is stored under that user, so
 * another user's identical key neither replays this one's answer nor blocks it. Internal routes (callers holding the
 * internal key) share one space.
 */
export function idempotentRequest(request: FastifyRequest): IdempotentRequest | undefined {
  const given = readKey(request);
  if (!given) return undefined;
  const fingerprint = `${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`;
  return {
    given,
    key: request.user ? `user:${request.user.id}:${given}` : given,
    hash: createHash('sha256').update(fingerprint).digest('hex'),
  };
}

export type StoredAnswer = IdempotencyTable['$inferSelect'];

/**
 * Claims the key for this request (undefined), or finds the answer stored for it. Inside a transaction, a duplicate
 * still in flight holds the row's lock: the insert waits for its outcome, then replays its answer or, if it rolled
 * back, claims the key itself.
 */
export async function claimKey(executor: Executor, table: IdempotencyTable, request: IdempotentRequest) {
  const { key, hash } = request;
  // Values written into the text, with no parameter: the statement then travels with the transaction's BEGIN
  // (see PostgresClient), one round trip instead of two on every keyed request.
  const { rows: claimed } = await executor.execute(
    sql`insert into ${table} (${column(table.key)}, ${column(table.requestHash)}, ${column(table.state)})
        values (${literal(key)}, ${literal(hash)}, 'in_progress') on conflict do nothing returning 1`,
  );
  if (claimed.length > 0) return undefined;
  return answerToTakenKey(executor, table, request);
}

/**
 * What `claimKey` finds when its insert claimed nothing, the key being another request's: its stored answer, or a
 * refusal (released, another request's, in progress), or undefined when it takes over a key presumed abandoned.
 */
export async function answerToTakenKey(executor: Executor, table: IdempotencyTable, request: IdempotentRequest) {
  const { key, hash, given } = request;
  const [stored] = await executor.select().from(table).where(eq(table.key, key));
  if (!stored) throw AppError.conflict('Idempotency-Key was just released; retry the request');
  if (stored.requestHash !== hash) {
    throw AppError.unprocessable(`Idempotency-Key "${given}" was already used for a different request`);
  }
  if (stored.state === 'completed') return stored;
  // Only a route answering in separate transactions commits a claim before its answer.
  const takenOver = await executor
    .update(table)
    .set({ lockedAt: sql`now()` })
    .where(and(eq(table.key, key), eq(table.state, 'in_progress'), lt(table.lockedAt, abandonedAfter)))
    .returning({ key: table.key });
  if (takenOver.length === 0) throw stillInProgress(given);
  return undefined;
}

export function stillInProgress(givenKey: string) {
  return new AppError(
    409,
    errorCodes.IDEMPOTENCY_IN_PROGRESS,
    `A request with Idempotency-Key "${givenKey}" is still in progress; retry shortly`,
  );
}

export function storeAnswer(executor: Executor, table: IdempotencyTable, key: string, status: number, body: string) {
  return executor
    .update(table)
    .set({ state: 'completed', responseStatus: status, responseBody: body })
    .where(eq(table.key, key));
}

/**
 * `storeAnswer` as the last write of a transaction: it travels with the COMMIT (see PostgresClient), one round trip
 * instead of two. Its failure fails the commit, so the work rolls back with it.
 */
export async function storeAnswerWithCommit(
  executor: Executor,
  table: IdempotencyTable,
  key: string,
  status: number,
  body: string,
) {
  if (!Number.isInteger(status)) throw new Error(`An HTTP status is an integer, not ${status}`);
  await executor.execute(
    sql`${sql.raw(sentWithNextStatement)} update ${table} set ${column(table.state)} = 'completed',
        ${column(table.responseStatus)} = ${sql.raw(String(status))}, ${column(table.responseBody)} = ${literal(body)}
        where ${column(table.key)} = ${literal(key)}`,
  );
}

/**
 * Claims the key in the message of the transaction's next statement (see PostgresClient), one round trip fewer than
 * `claimKey`: as the statement that refuses the rest of the message when the key is another request's, with a unique
 * violation (`isKeyTaken`), or held by a request still in flight past the lock timeout (`isKeyStillHeld`). Either is
 * then the error of the statement it travelled with, and the transaction is aborted.
 */
export async function claimKeyWithNextStatement(
  executor: Executor,
  table: IdempotencyTable,
  request: IdempotentRequest,
) {
  await executor.execute(
    sql`${sql.raw(sentWithNextStatement)} insert into ${table} (${column(table.key)}, ${column(table.requestHash)},
        ${column(table.state)}) values (${literal(request.key)}, ${literal(request.hash)}, 'in_progress')`,
  );
}

const databaseError = (error: unknown) =>
  ((error as { cause?: unknown }).cause ?? error) as { table?: unknown; where?: unknown };

/** Whether `error` is `claimKeyWithNextStatement` finding the key another request's. */
export function isKeyTaken(error: unknown, table: IdempotencyTable) {
  return databaseErrorCode(error) === '23505' && databaseError(error).table === getTableName(table);
}

/**
 * Whether `error` is `claimKeyWithNextStatement` giving up on a key another request in flight holds. PostgreSQL names
 * the index the insert waited on in the error's context ("while inserting index tuple ... in relation ...", in the
 * server's language); where it cannot be told, the request is answered as any lock timeout, 503 with Retry-After.
 */
export function isKeyStillHeld(error: unknown, table: IdempotencyTable) {
  const where = databaseError(error).where;
  return (
    databaseErrorCode(error) === '55P03' && typeof where === 'string' && where.includes(`${getTableName(table)}_pkey`)
  );
}

export function replay(reply: FastifyReply, stored: StoredAnswer) {
  return reply
    .status(stored.responseStatus ?? 200)
    .header('content-type', 'application/json; charset=utf-8')
    .header(idempotentReplayedHeader, 'true')
    .send(stored.responseBody);
}
