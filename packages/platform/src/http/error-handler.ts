import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody } from '../errors.js';

function send(reply: FastifyReply, statusCode: number, code: string, message: string, details?: unknown) {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
  if (details !== undefined) body.details = details;
  return reply.status(statusCode).send(body);
}

function describeField(context: string | undefined, instancePath: string) {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return [context, path].filter(Boolean).join('.') || 'body';
}

/** PostgreSQL's "data exception" class (22xxx): a value it cannot store, such as a NUL character or an out-of-range number. */
function isDataException(error: unknown): boolean {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('22');
}

/** One handler for every service: 4xx carry a message a person can act on, 5xx carry no internals. */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
      return send(reply, error.statusCode, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((issue) => ({
        field: describeField(error.validationContext, issue.instancePath),
        message: issue.message,
      }));
      const summary = fields.map((field) => `${field.field}: ${field.message}`).join('; ');
      return send(reply, 400, 'VALIDATION_FAILED', `Invalid request: ${summary}`, fields);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
      return send(reply, 500, 'INTERNAL_ERROR', 'Internal server error');
    }
    if (isDataException(error)) {
      request.log.warn({ err: error }, 'a value in the request could not be stored');
      return send(
        reply,
        400,
        'INVALID_VALUE',
        'A value in the request cannot be stored: it is out of range or holds characters such as NUL',
      );
    }
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 400 && statusCode < 500) {
      return send(reply, statusCode, error.code ?? 'BAD_REQUEST', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, 500, 'INTERNAL_ERROR', 'Internal server error');
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'ROUTE_NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`),
  );
}
