import type {} from '@fastify/rate-limit';
import { chatRequestSchema, chatResponseSchema } from '@ecomm/contracts';
import { authenticateUser, requireUser, type ServiceApp, type TokenService } from '@ecomm/platform';
import type { FastifyRequest } from 'fastify';
import { pipeUIMessageStreamToResponse } from 'ai';
import type { ChatService } from './chat-service.js';

export interface ChatRoutesOptions {
  chat: ChatService;
  tokens: TokenService;
  rateLimit: { max: number; windowMs: number };
  /** How often /chat/stream sends a keep-alive comment while nothing else is said (tools running). */
  heartbeatMs: number;
}

export async function chatRoutes(app: ServiceApp, options: ChatRoutesOptions) {
  // The limit comes before authentication: per user for a valid token, per IP otherwise. The token is verified once:
  // the user found here is the request's user, and only a request without one is authenticated again, for its 401.
  const limit = app.rateLimit({
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    keyGenerator: async (request) => {
      const user = await authenticateUser(request, options.tokens).catch(() => undefined);
      return user ? `chat:user:${user.id}` : `chat:ip:${request.ip}`;
    },
  });

  const onRequest = [
    limit,
    async (request: FastifyRequest) => void (request.user ?? (await authenticateUser(request, options.tokens))),
  ];

  app.post(
    '/chat',
    {
      config: { access: 'public' },
      onRequest,
      schema: { body: chatRequestSchema, response: { 200: chatResponseSchema } },
    },
    async (request) =>
      options.chat.reply({
        userId: requireUser(request).id,
        sessionId: request.body.session_id,
        message: request.body.message,
      }),
  );

  // The same turn as /chat, answered in the AI SDK's UI message stream protocol (server-sent events).
  app.post(
    '/chat/stream',
    { config: { access: 'public' }, onRequest, schema: { body: chatRequestSchema } },
    async (request, reply) => {
      const turn = {
        userId: requireUser(request).id,
        sessionId: request.body.session_id,
        message: request.body.message,
      };
      await options.chat.stream(turn, (stream) => {
        reply.hijack();
        void pipeUIMessageStreamToResponse({
          response: reply.raw,
          stream,
          keepAliveMs: options.heartbeatMs,
          headers: { 'x-request-id': request.id, 'cache-control': 'no-cache' },
        });
      });
    },
  );
}
