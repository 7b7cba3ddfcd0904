import type {} from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { authenticateUser, requireUser, type ServiceApp, type TokenService } from '@ecomm/platform';
import { z } from 'zod';
import type { McpDependencies } from './mcp-context.js';
import { createShopMcpServer } from './mcp-server.js';

export interface McpRoutesOptions {
  dependencies: McpDependencies;
  tokens: TokenService;
  /** The auth service's public address: where clients get the token this resource accepts. */
  authorizationServer: string;
  /** Per user (per IP without a valid token), shared by replicas like the chat's: MCP tools can pay and refund. */
  rateLimit: { max: number; windowMs: number };
}

const metadataPath = '/.well-known/oauth-protected-resource';

const protectedResourceSchema = z.object({
  resource: z.string(),
  authorization_servers: z.array(z.string()),
  bearer_methods_supported: z.array(z.string()),
  resource_name: z.string(),
});

// One message per POST, so the per-user limit counts every tool call: a JSON-RPC batch (gone from MCP since
// 2025-06-18, never sent by the SDK's client) would carry up to 100 calls past it in one request.
const mcpMessageSchema = z
  .looseObject({}, { error: 'must be one JSON-RPC message (an object), not a batch' })
  .describe('One JSON-RPC message of the MCP protocol');

const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/**
 * MCP over Streamable HTTP, stateless: every POST carries its own bearer token and is answered by a server built for
 * it, so replicas share nothing and need no sticky sessions. GET (a server-initiated stream) and DELETE (ending a
 * session) have nothing to do without sessions and answer 405, as the transport specification allows.
 */
export async function mcpRoutes(app: ServiceApp, options: McpRoutesOptions) {
  // RFC 9728: the resource names the authorization server that issues its tokens; a 401 points here.
  const metadata = async (request: FastifyRequest) => ({
    resource: `${origin(request)}/mcp`,
    authorization_servers: [options.authorizationServer],
    bearer_methods_supported: ['header'],
    resource_name: 'Agent Shop MCP server',
  });
  for (const path of [metadataPath, `${metadataPath}/mcp`]) {
    app.get(path, { config: { access: 'public' }, schema: { response: { 200: protectedResourceSchema } } }, metadata);
  }

  // The rate limiter's key generator has verified the token already when it is valid: only a refusal is left to make.
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.user) return;
    reply.header('www-authenticate', `Bearer resource_metadata="${origin(request)}${metadataPath}"`);
    await authenticateUser(request, options.tokens);
    reply.removeHeader('www-authenticate');
  };
  const limit = app.rateLimit({
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    keyGenerator: async (request) => {
      const user = await authenticateUser(request, options.tokens).catch(() => undefined);
      return user ? `mcp:user:${user.id}` : `mcp:ip:${request.ip}`;
    },
  });
  const route = {
    config: { access: 'public' as const },
    onRequest: [limit, authenticate],
    schema: { security: [{ bearerAuth: [] }] },
  };

  app.post('/mcp', { ...route, schema: { ...route.schema, body: mcpMessageSchema } }, async (request, reply) => {
    const server = createShopMcpServer({ ...options.dependencies, log: request.log }, requireUser(request));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });

  const notWithoutSessions = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.status(405).header('allow', 'POST').send({
      statusCode: 405,
      error: 'Method Not Allowed',
      code: 'METHOD_NOT_ALLOWED',
      message: 'This MCP server is stateless: send every message as a POST to /mcp',
    });
  app.get('/mcp', route, notWithoutSessions);
  app.delete('/mcp', route, notWithoutSessions);
}
