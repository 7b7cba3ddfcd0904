import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { roleName, serviceCatalog, serviceUrlVariable, type ServiceName } from '@ecomm/cluster';
import { loadConfig } from '@ecomm/platform';
import {
  composeFile,
  configKeys,
  containerPorts,
  operatorEnvironment,
  referencedVariables,
  requiredKeys,
  resolvedEnvironment,
  root,
  serviceDefinitions,
  type AnyDefinition,
  type ComposeService,
} from './deployment-sources.js';

const compose = composeFile();
let definitions: Record<ServiceName, AnyDefinition>;
before(async () => {
  definitions = await serviceDefinitions();
});

function composeService(name: string): ComposeService {
  const service = compose.services[name];
  assert.ok(service, `docker-compose.yml has a "${name}" service`);
  return service;
}

function dependencies(service: ComposeService) {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn)
    ? Object.fromEntries(dependsOn.map((name) => [name, { condition: 'service_started' }]))
    : dependsOn;
}

describe('docker-compose.yml', () => {
  test('runs each catalog service from the one image, on the catalog port', () => {
    for (const { name, port } of serviceCatalog) {
      const service = composeService(name);
      assert.equal(service.build, '.', `${name} is built from the repository's Dockerfile`);
      assert.equal(service.image, composeService('product').image, `${name} uses the shared image`);
      const entry = service.command?.[0] ?? '';
      assert.equal(entry, `services/${name}/dist/src/server.js`, `${name} runs its own compiled server`);
      assert.ok(existsSync(join(root, `services/${name}/src/server.ts`)), `${entry} is compiled from a real server.ts`);
      assert.equal(String(service.environment?.PORT), String(port), `${name} listens on ${port}`);
      assert.deepEqual(containerPorts(service), [port], `${name} publishes ${port}`);
    }
  });

  test('sets every variable a service requires, and passes on every variable it reads', () => {
    for (const { name } of serviceCatalog) {
      const environment = composeService(name).environment ?? {};
      const schema = definitions[name].configSchema;
      for (const key of requiredKeys(schema)) {
        const value = String(environment[key] ?? '');
        assert.ok(value, `${name} gets ${key}, which its config requires`);
        for (const variable of referencedVariables(value)) {
          assert.ok(
            variable.required,
            `${name}'s ${key} uses \${${variable.name}:?...}, so compose stops if it is unset`,
          );
        }
      }
      for (const key of configKeys(schema))
        assert.ok(key in environment, `${name} reads ${key}; compose should pass it on`);
    }
  });

  test('following the README section Run with Docker gives every service a configuration its schema accepts', () => {
    const variables = operatorEnvironment();
    for (const [name, service] of Object.entries(compose.services)) {
      assert.doesNotThrow(() => resolvedEnvironment(service, variables), `compose can start ${name}`);
    }
    for (const { name, port } of serviceCatalog) {
      const config = loadConfig(
        definitions[name].configSchema,
        resolvedEnvironment(composeService(name), variables),
      ) as { PORT: number };
      assert.equal(config.PORT, port);
    }
  });

  test('each service connects as its own role, whose password the database container also gets', () => {
    const database = composeService('postgres');
    const databaseName = String(database.environment?.POSTGRES_DB);
    for (const { name, schema } of serviceCatalog) {
      const url = String(composeService(name).environment?.DATABASE_URL);
      const [password] = referencedVariables(url);
      assert.ok(password, `${name}'s DATABASE_URL takes its password from .env`);
      const parsed = new URL(url.replace(/\$\{[^}]+\}/, 'secret'));
      assert.equal(parsed.username, roleName(schema));
      assert.equal(parsed.hostname, 'postgres');
      assert.equal(parsed.pathname, `/${databaseName}`);
      assert.ok(
        password.name in (database.environment ?? {}),
        `the postgres container gets ${password.name} for init.sql`,
      );
    }
  });

  test('service URLs point at the catalog ports, and callers wait for what they call to be healthy', () => {
    for (const { name } of serviceCatalog) {
      const service = composeService(name);
      const waitsFor = dependencies(service);
      assert.equal(waitsFor.postgres?.condition, 'service_healthy', `${name} waits for a healthy database`);
      for (const callee of serviceCatalog.filter(({ name: other }) =>
        configKeys(definitions[name].configSchema).includes(serviceUrlVariable(other)),
      )) {
        assert.equal(service.environment?.[serviceUrlVariable(callee.name)], `http://${callee.name}:${callee.port}`);
        assert.equal(waitsFor[callee.name]?.condition, 'service_healthy', `${name} waits for ${callee.name}`);
      }
    }
  });

  test('services export traces to Jaeger over OTLP/HTTP', () => {
    const jaeger = composeService('jaeger');
    assert.match(String(jaeger.image), /^jaegertracing\//);
    assert.ok(
      jaeger.command?.some((argument) => argument.endsWith('0.0.0.0:4318')),
      'Jaeger receives OTLP/HTTP on 4318 from other containers',
    );
    for (const { name } of serviceCatalog) {
      assert.equal(composeService(name).environment?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://jaeger:4318');
    }
  });

  test('the database is health-checked and initialised by deploy/postgres/init.sql', () => {
    const database = composeService('postgres');
    assert.ok(database.healthcheck?.test.includes('pg_isready'));
    const init = database.volumes?.find((volume) => volume.includes('/docker-entrypoint-initdb.d/'));
    assert.ok(init, 'an init script is mounted');
    assert.ok(existsSync(join(root, init.split(':')[0]!)), `${init} exists`);
  });
});
