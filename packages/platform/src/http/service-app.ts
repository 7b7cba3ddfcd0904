import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BaseConfig } from '../config.js';
import { serviceLoggerOptions } from '../logger.js';
import { installMetrics } from '../observability/metrics.js';
import { installAccessGuard } from '../security/access-guard.js';
import { createTokenService } from '../security/tokens.js';
import { installApiDocs, type ApiDocsOptions } from './api-docs.js';
import { answerFrameworkError, installErrorHandler, maximumPathPartLength } from './error-handler.js';

export type ServiceApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface ServiceAppOptions {
  service: string;
  config: BaseConfig;
  /** Throws when a dependency the service needs (its database) is unreachable. */
  readiness?: () => Promise<void>;
  /** Who may read /openapi.json and /docs (default: callers with the internal key). */
  docsAccess?: ApiDocsOptions['access'];
}

/**
 * One line per request, written when it is answered and naming the request, instead of Fastify's two (incoming and
 * completed): logging was a fifth of a domain service's CPU time per request, and the launcher parses every line.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** The part every service shares: logging, errors, access guard, API docs, health, readiness and metrics. */
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const { service, config } = options;
  const app = Fastify({
    logger: serviceLoggerOptions(service, config.LOG_LEVEL),
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Off by default: a client could otherwise pick its own IP (and rate-limit key) with X-Forwarded-For.
    // A hop count as proxy-addr reads it: the first `hops` addresses from the socket inward are proxies.
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    // Fastify's default is 100.
    routerOptions: { maxParamLength: maximumPathPartLength },
    requestIdHeader: false,
    frameworkErrors: answerFrameworkError,
    logController: new OneLinePerRequest(),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  // Fastify parses text/plain too: JSON sent under it reached validation as a string ("expected object, received
  // string"). Every body is JSON, so any other type gets the 415 that names application/json.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installApiDocs(app, { service, access: options.docsAccess ?? 'internal' });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  installErrorHandler(app);
  installAccessGuard(app, {
    internalApiKey: config.INTERNAL_API_KEY,
    tokens: createTokenService({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
  });
  installMetrics(app, service);

  app.after(() => registerProbes(app, options));
  return app;
}

function registerProbes(app: ServiceApp, { service, readiness }: ServiceAppOptions) {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: { response: { 200: z.object({ service: z.string(), status: z.literal('running') }) } },
    },
    async () => ({ service, status: 'running' as const }),
  );
  app.get('/ready', { config: { access: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    try {
      await readiness?.();
      return { service, status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return reply.status(503).send({ service, status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
