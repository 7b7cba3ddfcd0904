import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { internalHeaders, useTestCluster } from '@ecomm/testing';
import { allServices } from './all-services.js';

const cluster = useTestCluster(allServices, { orchestrator: { LLM_PROVIDER: 'offline' } });

/** "METHOD /path" of every route the app serves, read from Fastify's own route tree, in OpenAPI's path syntax. */
function registeredRoutes(tree: string) {
  const routes: string[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│├└─]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    prefixes.length = depth;
    prefixes[depth] = match[2]!;
    if (!match[3]) continue;
    const path = prefixes.join('').replace(/:([A-Za-z_]+)/g, '{$1}');
    for (const method of match[3].split(', ')) routes.push(`${method} ${path}`);
  }
  return routes;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string }> };
}

const undocumented = (route: string) =>
  route.startsWith('HEAD ') || route.includes('/docs') || route.endsWith('/openapi.json');

describe('OpenAPI documents', () => {
  for (const service of ['auth', 'product', 'order', 'payment', 'session', 'orchestrator'] as const) {
    test(`${service}: a valid OpenAPI 3.1 document listing every route`, async () => {
      const response = await fetch(`${cluster.urls[service]}/openapi.json`, { headers: internalHeaders });
      assert.equal(response.status, 200);
      const document = (await response.json()) as OpenApiDocument;
      assert.equal(document.openapi, '3.1.0');
      const validation = await new Validator().validate(document as unknown as Record<string, unknown>);
      assert.deepEqual(validation.errors ?? [], [], JSON.stringify(validation.errors, null, 2));
      assert.equal(validation.valid, true);

      const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const routes = registeredRoutes(cluster.apps[service]!.printRoutes({ commonPrefix: false })).filter(
        (route) => !undocumented(route),
      );
      assert.ok(routes.length > 3, `found only ${routes.join(', ')}`);
      assert.deepEqual(
        routes.filter((route) => !documented.includes(route)),
        [],
      );
      assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ['bearerAuth', 'internalKey']);
      assert.deepEqual(document.paths['/health']?.get?.security, []);
    });
  }

  test('shared shapes are named components and each operation says which credential it needs', async () => {
    const document = (await (await fetch(`${cluster.urls.orchestrator}/openapi.json`)).json()) as OpenApiDocument;
    assert.ok(document.components.schemas.ChatResponse && document.components.schemas.CheckoutReceipt);
    assert.ok(!document.components.schemas.Payment, 'only the components the service refers to');
    assert.deepEqual(document.paths['/checkout']?.post?.security, [{ bearerAuth: [] }]);
    assert.deepEqual(document.paths['/admin/sagas']?.get?.security, [{ internalKey: [] }]);
    assert.deepEqual(
      document.paths['/mcp']?.post?.security,
      [{ bearerAuth: [] }],
      'a route that authenticates by itself says so',
    );
    const session = (await (
      await fetch(`${cluster.urls.session}/openapi.json`, { headers: internalHeaders })
    ).json()) as OpenApiDocument;
    assert.match(JSON.stringify(session.paths['/{session_id}']), /#\/components\/schemas\/Cart"/);
  });

  test('internal services show their docs only to callers with the internal key; shopper-facing ones to anyone', async () => {
    for (const path of ['/openapi.json', '/docs']) {
      assert.equal((await fetch(`${cluster.urls.payment}${path}`)).status, 403);
      assert.equal((await fetch(`${cluster.urls.payment}${path}`, { headers: internalHeaders })).status, 200);
      assert.equal((await fetch(`${cluster.urls.auth}${path}`)).status, 200);
    }
  });
});
