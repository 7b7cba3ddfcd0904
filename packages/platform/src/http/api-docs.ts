import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { apiComponents } from '@ecomm/contracts';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { internalKeyHeader, type RouteAccess } from '../security/access-guard.js';

export interface ApiDocsOptions {
  service: string;
  /**
   * Who may read the document and its UI. Services shoppers call (auth, orchestrator) publish theirs; the others
   * answer only callers with the internal key, like the rest of their API.
   */
  access: Exclude<RouteAccess, 'user'>;
}

const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A shopper's access token from POST /login of the auth service",
  },
  internalKey: {
    type: 'apiKey',
    in: 'header',
    name: internalKeyHeader,
    description: 'The key services share to call each other',
  },
} as const;

/** Each operation names what the access guard will ask of it; a route without a config is internal, as in the guard. */
const securityOf = (access: RouteAccess | undefined) =>
  access === 'public' ? [] : access === 'user' ? [{ bearerAuth: [] }] : [{ internalKey: [] }];

type Document = ReturnType<SwaggerTransformObject>;
type WithComponents = Document & { paths?: unknown; components?: { schemas?: Record<string, unknown> } };

/** Every service sees the whole contracts registry; its document keeps the components its operations refer to. */
function withReferencedComponents(document: WithComponents): Document {
  const schemas = document.components?.schemas ?? {};
  const kept = new Set<string>();
  const visit = (value: unknown) => {
    for (const [, name] of JSON.stringify(value ?? {}).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name && !kept.has(name)) {
        kept.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit(document.paths);
  const referenced = Object.fromEntries(Object.entries(schemas).filter(([name]) => kept.has(name)));
  return { ...document, components: { ...document.components, schemas: referenced } } as Document;
}

/**
 * OpenAPI 3.1 at GET /openapi.json and Swagger UI at GET /docs, generated from the routes' zod schemas; shapes of
 * packages/contracts become named components. It sees only routes added once it has loaded: install it first and add
 * routes in plugins or `app.after`.
 */
export function installApiDocs(app: FastifyInstance, options: ApiDocsOptions) {
  const zodTransform = createJsonSchemaTransform({ schemaRegistry: apiComponents });
  const zodTransformObject = createJsonSchemaTransformObject({ schemaRegistry: apiComponents });
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${options.service} service`, version: '1.0.0' },
      components: { securitySchemes },
    },
    transform: (input) => {
      const { schema, url } = zodTransform(input);
      // A route that authenticates by itself (access "public" to the guard) states its security in its schema.
      return {
        schema: {
          ...schema,
          security: (input.schema as FastifySchema | undefined)?.security ?? securityOf(input.route.config?.access),
        },
        url,
      };
    },
    transformObject: (input) => withReferencedComponents(zodTransformObject(input)),
  });
  // The UI's own routes (page, assets, its copy of the document) get the document's access.
  void app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: options.access };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  app.get('/openapi.json', { config: { access: options.access }, schema: { hide: true } }, async () => app.swagger());
}
