import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { sql } from 'drizzle-orm';
import type { Database } from '../database/connection.js';
import type { Executor } from '../database/transactions.js';
import type { IdempotencyTable } from '../database/idempotency-table.js';
import { inRequestTransaction } from '../database/request-transaction.js';
import { databaseErrorCode, errorAnswer, isLockTimeout } from './error-handler.js';
import {
  claimKey,
  claimKeyWithNextStatement,
  idempotentRequest,
  isKeyStillHeld,
  isKeyTaken,
  replay,
  stillInProgress,
  storeAnswer,
  storeAnswerWithCommit,
  type IdempotentRequest,
  type StoredAnswer,
} from './idempotency-keys.js';

type Outcome = { value: unknown } | { error: unknown };
type Answer = { stored: StoredAnswer } | { error: unknown } | { payload: string };

/**
 * Runs the handler with `reply.send` held back: what it would send is returned instead, so that nothing leaves before
 * the transaction holding the answer commits. A reply is a thenable settled once sent, so a handler returning it
 * (`return reply.send(...)`) would wait for a sending that has not happened: it is no thenable meanwhile.
 */
async function heldBack(
  handler: RouteHandlerMethod,
  instance: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Outcome> {
  let sent: { payload: unknown } | undefined;
  const hold = (payload?: unknown) => {
    sent = { payload };
    return reply;
  };
  Object.defineProperties(reply, {
    send: { configurable: true, value: hold },
    then: { configurable: true, value: undefined },
  });
  try {
    const value: unknown = await handler.call(instance, request, reply);
    return { value: sent ? sent.payload : value };
  } catch (error) {
    return { error };
  } finally {
    delete (reply as Partial<FastifyReply>).send;
    delete (reply as Partial<FastifyReply>).then;
  }
}

/** PostgreSQL's answer to any statement after one failed in the same transaction (25P02): only a rollback helps. */
const isAbortedTransaction = (error: unknown) => databaseErrorCode(error) === '25P02';

/** A 4xx whose transaction a failed statement aborted: rolled back, then answered in a transaction of its own. */
class RefusedInAbortedTransaction extends Error {
  constructor(
    readonly refusal: unknown,
    readonly statusCode: number,
    readonly payload: string,
  ) {
    super('the transaction of a refused request was aborted by a failed statement');
  }
}

interface Route {
  instance: FastifyInstance;
  handler: RouteHandlerMethod;
  request: FastifyRequest;
  reply: FastifyReply;
  idempotent: IdempotentRequest;
  db: Database;
  table: IdempotencyTable;
}

/**
 * Claims the key on its own, or finds the answer stored for it: a duplicate waits for the request holding the key and
 * replays its answer.
 */
const claimFirst = ({ table, idempotent }: Route, executor: Executor) =>
  claimKey(executor, table, idempotent).catch((error: unknown) => {
    // The first request with this key has held it for the whole lock timeout: it is stuck or slow, and waiting
    // longer would hold this connection from everyone else.
    throw isLockTimeout(error) ? stillInProgress(idempotent.given) : error;
  });

/** A key found another's by a claim sent with the handler's first statement: the transaction is aborted. */
const isClaimRefused = (error: unknown, table: IdempotencyTable) =>
  isKeyTaken(error, table) || isKeyStillHeld(error, table);

/**
 * Sends what is held (a claim the handler's failure left unsent), failing with the claim's refusal only: in an aborted
 * transaction the claim was sent already, and the handler's failure stands.
 */
async function sendHeldClaim(executor: Executor, table: IdempotencyTable) {
  await executor.execute(sql`select 1`).catch((error: unknown) => {
    if (isClaimRefused(error, table)) throw error;
  });
}

/**
 * The claim, the handler's work and the stored answer in one transaction (see `answeredInOneTransaction`); the claim
 * in the handler's first message, or on its own first.
 */
async function answered(route: Route, claim: 'in first message' | 'first'): Promise<Answer> {
  const { instance, handler, request, reply, idempotent, db, table } = route;
  return inRequestTransaction(db, async (executor): Promise<Answer> => {
    if (claim === 'in first message') await claimKeyWithNextStatement(executor, table, idempotent);
    else {
      const stored = await claimFirst(route, executor);
      if (stored) return { stored };
    }
    const outcome = await heldBack(handler, instance, request, reply);
    if ('error' in outcome) {
      // A claim in the first message refused: the handler's statement failed with its error, nothing is to be kept.
      if (isClaimRefused(outcome.error, table)) throw outcome.error;
      const { body } = errorAnswer(outcome.error as FastifyError);
      if (body.statusCode >= 500) {
        // A handler that failed before its first statement left the claim unsent: a key found taken is replayed.
        if (claim === 'in first message') await sendHeldClaim(executor, table);
        throw outcome.error;
      }
      const payload = String(reply.status(body.statusCode).serialize(body));
      await storeAnswer(executor, table, idempotent.key, body.statusCode, payload).catch((error: unknown) => {
        throw isAbortedTransaction(error)
          ? new RefusedInAbortedTransaction(outcome.error, body.statusCode, payload)
          : error;
      });
      return { error: outcome.error };
    }
    const payload = outcome.value === undefined ? '' : String(reply.serialize(outcome.value));
    await storeAnswerWithCommit(executor, table, idempotent.key, reply.statusCode, payload);
    return { payload };
  }).catch((error: unknown) => {
    if (!(error instanceof RefusedInAbortedTransaction)) throw error;
    return inRequestTransaction(db, async (executor): Promise<Answer> => {
      // A duplicate may have claimed the key since the rollback: its answer stands.
      const stored = await claimFirst(route, executor);
      if (stored) return { stored };
      await storeAnswer(executor, table, idempotent.key, error.statusCode, error.payload);
      return { error: error.refusal };
    });
  });
}

/**
 * The handler of a route whose work is this service's database only, for a request with an Idempotency-Key: claim,
 * work and stored answer are one transaction, sent once committed. The claim travels with the handler's first
 * statement (or, if it sends none, with the answer); a key found another's rolls that back, and the request is
 * answered as a duplicate: claimed on its own, it waits on the key's row and replays the answer. A 4xx is stored and
 * replayed, the work the handler's own transactions committed kept; a 5xx or a crash leaves neither key nor work, so a
 * retry runs again. The handler runs in the transaction itself, without a savepoint of its own (two round trips on
 * every request): in the rare case where a failed statement aborted it, the whole transaction rolls back and the
 * refusal is stored with its key afresh, which is what rolling back to such a savepoint would have left.
 */
export function answeredInOneTransaction(
  handler: RouteHandlerMethod,
  options: { db: Database; table: IdempotencyTable },
): RouteHandlerMethod {
  return async function (request, reply) {
    const idempotent = idempotentRequest(request);
    if (!idempotent) return handler.call(this, request, reply);
    const route: Route = { instance: this, handler, request, reply, idempotent, ...options };
    const before = { statusCode: reply.statusCode, headers: { ...reply.getHeaders() } };
    const answer = await answered(route, 'in first message').catch((error: unknown) => {
      if (!isClaimRefused(error, options.table)) throw error;
      // What the rolled-back attempt set (a status, headers) is not this answer's.
      for (const name of Object.keys(reply.getHeaders())) if (!(name in before.headers)) reply.removeHeader(name);
      reply.headers(before.headers).code(before.statusCode);
      if (isKeyStillHeld(error, options.table)) throw stillInProgress(idempotent.given);
      return answered(route, 'first');
    });
    if ('stored' in answer) return replay(reply, answer.stored);
    // The error handler answers it with the body just stored.
    if ('error' in answer) throw answer.error;
    return reply.header('content-type', 'application/json; charset=utf-8').send(answer.payload);
  };
}
