import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthenticatedUser } from '@ecomm/platform';
import { registerCheckoutTool } from './checkout-tool.js';
import { mcpContext, type McpDependencies } from './mcp-context.js';
import { registerOrderTools } from './order-tools.js';
import { registerShoppingTools } from './shopping-tools.js';

/** The shop as an MCP server for one authenticated user; built per request, so any replica can answer any call. */
export function createShopMcpServer(dependencies: McpDependencies, user: AuthenticatedUser) {
  const server = new McpServer(
    { name: 'agent-shop', version: '1.0.0' },
    {
      instructions:
        'Search the catalog, fill your cart, check out, and cancel or return orders. ' +
        'Whatever moves money takes two calls: a preview, then the same call with its confirmation.',
    },
  );
  const context = mcpContext(dependencies, user);
  registerShoppingTools(server, context);
  registerCheckoutTool(server, context);
  registerOrderTools(server, context);
  return server;
}
