import { STATUS_CODES } from 'node:http';
import { errorCodes } from '@ecomm/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isStalePlan } from '../database/statement-forms.js';
import { AppError, type ErrorBody } from '../errors.js';

function answer(statusCode: number, code: string, message: string, details?: unknown): ErrorAnswer {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
  if (details !== undefined) body.details = details;
  return { body };
}

/** What a thrown error is answered with, and what is logged about it: one mapping for the error handler and for
 * idempotent routes that store a 4xx before it is sent. */
export interface ErrorAnswer {
  body: ErrorBody;
  log?: { level: 'warn' | 'error'; message: string; fields?: Record<string, unknown> };
}

function describeField(context: string | undefined, instancePath: string) {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return [context, path].filter(Boolean).join('.') || 'body';
}

/** The SQLSTATE of a PostgreSQL error, as pg reports it or as drizzle wraps it. */
export function databaseErrorCode(error: unknown): string | undefined {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** PostgreSQL's "data exception" class (22xxx): a value it cannot store, such as a NUL character or an out-of-range number. */
const isDataException = (error: unknown) => databaseErrorCode(error)?.startsWith('22') === true;

/** A lock waited for longer than `lock_timeout` (55P03). */
export const isLockTimeout = (error: unknown) => databaseErrorCode(error) === '55P03';

// pg-pool's words when no connection came free within its connection timeout.
const isPoolExhausted = (error: unknown) =>
  error instanceof Error && error.message === 'timeout exceeded when trying to connect';

// Refused once per connection after a migration changed a column's type; the connection prepares it afresh.
const isStalePlanRefusal = (error: unknown) =>
  isStalePlan(error) || isStalePlan((error as { cause?: unknown } | undefined)?.cause);

/**
 * The database gave up on a statement (a lock or a connection not had in time, a plan gone stale under a migration):
 * the request's own transaction is undone. Answered "Nothing was changed" (503), unless the request did more than
 * that transaction and says so itself (a chat turn whose tools ran).
 */
export const isDatabaseBusy = (error: unknown) =>
  isLockTimeout(error) || isPoolExhausted(error) || isStalePlanRefusal(error);

/** How long a client told SERVICE_BUSY should wait before asking again (Retry-After). */
const busyRetryAfterSeconds = 1;

function busy(reason: string, logMessage: string): ErrorAnswer {
  return {
    ...answer(
      503,
      errorCodes.SERVICE_BUSY,
      `The service is busy: ${reason}. Nothing was changed; please retry in a moment.`,
    ),
    log: { level: 'warn', message: logMessage },
  };
}

/** 4xx carry a message a person can act on, 5xx carry no internals. */
export function errorAnswer(error: FastifyError): ErrorAnswer {
  if (error instanceof AppError) {
    const answered = answer(error.statusCode, error.code, error.message, error.details);
    return error.statusCode >= 500 ? { ...answered, log: { level: 'error', message: error.message } } : answered;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((issue) => ({
      field: describeField(error.validationContext, issue.instancePath),
      message: issue.message,
    }));
    const summary = fields.map((field) => `${field.field}: ${field.message}`).join('; ');
    return answer(400, 'VALIDATION_FAILED', `Invalid request: ${summary}`, fields);
  }
  if (isResponseSerializationError(error)) {
    return {
      ...answer(500, 'INTERNAL_ERROR', 'Internal server error'),
      log: { level: 'error', message: 'response did not match its schema', fields: { issues: error.cause.issues } },
    };
  }
  if (isDataException(error)) {
    return {
      ...answer(
        400,
        'INVALID_VALUE',
        'A value in the request cannot be stored: it is out of range or holds characters such as NUL',
      ),
      log: { level: 'warn', message: 'a value in the request could not be stored' },
    };
  }
  if (isLockTimeout(error)) {
    return busy('a record this request needs is held by another request', 'a statement gave up waiting for a lock');
  }
  if (isPoolExhausted(error)) {
    return busy('all its database connections are in use', 'no database connection came free in time');
  }
  if (isStalePlanRefusal(error)) {
    return busy(
      'its database changed under a request',
      "a prepared statement's result changed type (a migration); prepared afresh for the next call",
    );
  }
  const statusCode = error.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) return frameworkRefusal(error, statusCode);
  return {
    ...answer(500, 'INTERNAL_ERROR', 'Internal server error'),
    log: { level: 'error', message: 'unhandled error' },
  };
}

/** The longest id a path may carry: client-chosen ids (sessions, claims, reservations) may be 128 characters. */
export const maximumPathPartLength = 256;

/**
 * Fastify's own refusals (a malformed address, a body that is not JSON, too large, of another type) in the API's words:
 * its codes (`FST_ERR_...`) name the framework's internals, and its bad-address message echoes the address back.
 */
const frameworkRefusals: Record<string, { code: string; message: string }> = {
  FST_ERR_BAD_URL: {
    code: 'INVALID_URL',
    message: 'The address is not valid: a % in it must be followed by two hexadecimal digits (%25 for a % itself)',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    code: 'URL_TOO_LONG',
    message: `A part of the address is too long: at most ${maximumPathPartLength} characters`,
  },
  // Fastify refuses prototype-polluting keys with the same error as a syntax error, so the message names both.
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'INVALID_JSON',
    message:
      'The request body is not valid JSON, or has a key named __proto__ (or constructor.prototype), which is refused',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'EMPTY_BODY',
    message: "The request body is empty, but its content-type says it is JSON: send '{}' for no fields",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body must be JSON, sent with content-type application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: 'The request body is too large' },
};

/** A path part's length as the router measures it: decoded (a malformed escape is counted as sent). */
function decodedLength(part: string) {
  try {
    return decodeURIComponent(part).length;
  } catch {
    return part.length;
  }
}

function frameworkRefusal(error: FastifyError, statusCode: number): ErrorAnswer {
  const known = error.code ? frameworkRefusals[error.code] : undefined;
  if (known) return answer(statusCode, known.code, known.message);
  if (error.code?.startsWith('FST_')) return answer(statusCode, 'BAD_REQUEST', error.message);
  return answer(statusCode, error.code ?? 'BAD_REQUEST', error.message);
}

/**
 * For Fastify's `frameworkErrors` option: the refusals it makes before any route or hook runs (a malformed address),
 * answered like every other error.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { body } = errorAnswer(error);
  request.log.info({ code: error.code }, 'request refused by the framework');
  void reply.status(body.statusCode).send(body);
}

/** One handler for every service. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { body, log } = errorAnswer(error);
    if (log) request.log[log.level]({ err: error, ...log.fields }, log.message);
    if (body.code === errorCodes.SERVICE_BUSY) reply.header('retry-after', String(busyRetryAfterSeconds));
    return reply.status(body.statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The router refuses a part longer than its limit (URL_TOO_LONG), unless a catch-all route takes the path instead
    // (the orchestrator's web app), whose 404 would deny that an existing route such as /orders/:id is there.
    if (path.split('/').some((part) => decodedLength(part) > maximumPathPartLength)) {
      const { code, message } = frameworkRefusals.FST_ERR_MAX_PARAM_LENGTH!;
      return reply.status(414).send(answer(414, code, message).body);
    }
    const { body } = answer(404, 'ROUTE_NOT_FOUND', `Route ${request.method} ${path} not found`);
    return reply.status(404).send(body);
  });
}
