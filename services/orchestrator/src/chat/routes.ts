import type {} from '@fastify/rate-limit';
import { chatRequestSchema, chatResponseSchema } from '@ecomm/contracts';
import { authenticateUser, requireUser, type ServiceApp, type TokenService } from '@ecomm/platform';
import type { ChatService } from './chat-service.js';

export interface ChatRoutesOptions {
  chat: ChatService;
  tokens: TokenService;
  rateLimit: { max: number; windowMs: number };
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

  app.post(
    '/chat',
    {
      config: { access: 'public' },
      onRequest: [limit, async (request) => void (request.user ?? (await authenticateUser(request, options.tokens)))],
      schema: { body: chatRequestSchema, response: { 200: chatResponseSchema } },
    },
    async (request) =>
      options.chat.reply({ userId: requireUser(request).id, sessionId: request.body.session_id, message: request.body.message }),
  );
}
