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
  // The limit comes before authentication: per user for a valid token, per IP otherwise.
  const limit = app.rateLimit({
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    keyGenerator: async (request) => {
      try {
        const header = request.headers.authorization ?? '';
        const user = await options.tokens.verify(header.replace(/^Bearer\s+/i, ''));
        return `chat:user:${user.id}`;
      } catch {
        return `chat:ip:${request.ip}`;
      }
    },
  });

  app.post(
    '/chat',
    {
      config: { access: 'public' },
      onRequest: [limit, async (request) => void (await authenticateUser(request, options.tokens))],
      schema: { body: chatRequestSchema, response: { 200: chatResponseSchema } },
    },
    async (request) =>
      options.chat.reply({ userId: requireUser(request).id, sessionId: request.body.session_id, message: request.body.message }),
  );
}
