import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { roleName, serviceCatalog, serviceUrlVariable, type ServiceName } from '@ecomm/cluster';
import { loadConfig, shutdownTimeoutMs } from '@ecomm/platform';
import {
  composeFile,
  configKeys,
  readText,
  requiredKeys,
  serviceDefinitions,
  type AnyDefinition,
} from './deployment-sources.js';
import { renderKustomization, schemaProblems, type KubernetesObject } from './kubernetes-sources.js';

const overlays = {
  dev: renderKustomization('deploy/k8s/overlays/dev'),
  production: renderKustomization('deploy/k8s/overlays/production'),
};
const dev = overlays.dev;
const domainServices = ['product', 'order', 'payment', 'session'];
let definitions: Record<ServiceName, AnyDefinition>;
before(async () => {
  definitions = await serviceDefinitions();
});

function find(objects: KubernetesObject[], kind: string, name: string) {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `a ${kind} named ${name}`);
  return found;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered YAML
const podSpec = (deployment: KubernetesObject) => deployment.spec.template.spec as any;
const container = (deployment: KubernetesObject) => podSpec(deployment).containers[0];
const decoded = (secret: KubernetesObject) =>
  Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );

/** The environment a container gets, as the kubelet builds it from env and envFrom (missing optional sources skipped). */
function containerEnvironment(objects: KubernetesObject[], deployment: KubernetesObject) {
  const environment: Record<string, string> = {};
  for (const source of container(deployment).envFrom ?? []) {
    const reference = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === reference.name);
    if (!object && reference.optional) continue;
    assert.ok(object, `${deployment.metadata.name} reads the ${kind} ${reference.name}, which the overlay renders`);
    Object.assign(environment, kind === 'Secret' ? decoded(object) : object.data);
  }
  for (const { name, value } of container(deployment).env ?? []) environment[name] = value;
  return environment;
}

describe('Kubernetes manifests (kubectl kustomize)', () => {
  for (const [overlay, objects] of Object.entries(overlays)) {
    test(`every object of the ${overlay} overlay is valid against its Kubernetes schema`, async () => {
      assert.ok(objects.length > 15);
      for (const object of objects) {
        assert.deepEqual(await schemaProblems(object), [], `${object.kind} ${object.metadata.name}`);
      }
    });

    test(`${overlay}: each service is a hardened Deployment of the one image, with its command, probes and a ClusterIP Service`, () => {
      const compose = composeFile();
      const images = new Set<string>();
      for (const { name, port } of serviceCatalog) {
        const deployment = find(objects, 'Deployment', name);
        const pod = podSpec(deployment);
        const main = container(deployment);
        images.add(main.image);
        assert.deepEqual(
          main.args,
          compose.services[name]!.command,
          `${name} runs the command docker-compose.yml runs`,
        );
        assert.deepEqual(main.ports, [{ name: 'http', containerPort: port }]);
        assert.deepEqual(deployment.spec.selector.matchLabels, { 'app.kubernetes.io/name': name });
        for (const [label, value] of Object.entries(deployment.spec.selector.matchLabels as Record<string, string>)) {
          assert.equal(deployment.spec.template.metadata.labels[label], value, `${name}'s selector matches its pods`);
        }
        assert.equal(main.readinessProbe.httpGet.path, '/ready');
        assert.equal(main.livenessProbe.httpGet.path, '/health');
        assert.ok(main.startupProbe.httpGet.path, `${name} has a startup probe, for migrations at start`);
        for (const probe of [main.readinessProbe, main.livenessProbe, main.startupProbe])
          assert.equal(probe.httpGet.port, 'http');
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.ok(pod.securityContext.runAsUser > 0, 'a numeric non-root user, which the kubelet can check');
        assert.equal(main.securityContext.readOnlyRootFilesystem, true);
        assert.equal(main.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(main.securityContext.capabilities.drop, ['ALL']);
        for (const kind of ['requests', 'limits'])
          assert.ok(main.resources[kind].cpu && main.resources[kind].memory, `${name} ${kind}`);
        const [command, seconds] = main.lifecycle.preStop.exec.command as [string, string];
        assert.equal(command, 'sleep');
        assert.ok(
          pod.terminationGracePeriodSeconds > Number(seconds) + shutdownTimeoutMs / 1000,
          `${name}'s grace period outlasts the preStop pause plus the service's own shutdown deadline`,
        );

        const service = find(objects, 'Service', name);
        assert.equal(service.spec.type, 'ClusterIP');
        assert.deepEqual(service.spec.ports, [{ name: 'http', port, targetPort: 'http' }]);
        for (const [label, value] of Object.entries(service.spec.selector as Record<string, string>)) {
          assert.equal(deployment.spec.template.metadata.labels[label], value, `the ${name} Service selects its pods`);
        }
      }
      assert.equal(images.size, 1, 'one image for all six');
    });

    test(`${overlay}: each service gets only variables its config schema reads, from ConfigMaps and Secrets it names`, () => {
      for (const { name } of serviceCatalog) {
        const deployment = find(objects, 'Deployment', name);
        const keys = configKeys(definitions[name].configSchema);
        const fromConfigMaps = (container(deployment).envFrom as { configMapRef?: { name: string } }[])
          .filter((source) => source.configMapRef)
          .map((source) => find(objects, 'ConfigMap', source.configMapRef!.name));
        for (const configMap of fromConfigMaps) {
          for (const key of Object.keys(configMap.data ?? {}))
            assert.ok(keys.includes(key), `${name} does not read ${key} (${configMap.metadata.name})`);
        }
        for (const { name: key } of container(deployment).env ?? [])
          assert.ok(keys.includes(key), `${name} does not read ${key}`);
      }
    });
  }

  test('dev: each service starts with the environment the overlay gives it, and the service URLs are the Services', () => {
    for (const { name, port } of serviceCatalog) {
      const deployment = find(dev, 'Deployment', name);
      const environment = containerEnvironment(dev, deployment);
      const schema = definitions[name].configSchema;
      for (const key of Object.keys(environment))
        assert.ok(configKeys(schema).includes(key), `${name} does not read ${key}`);
      for (const key of requiredKeys(schema)) assert.ok(environment[key], `${name} gets ${key}, which it requires`);
      const config = loadConfig(schema, environment) as Record<string, unknown>;
      assert.equal(config.PORT, port);
      assert.equal(config.NODE_ENV, 'production');
      for (const callee of serviceCatalog.filter((other) =>
        configKeys(schema).includes(serviceUrlVariable(other.name)),
      )) {
        assert.equal(environment[serviceUrlVariable(callee.name)], `http://${callee.name}:${callee.port}`);
        find(dev, 'Service', callee.name);
      }
    }
  });

  test('production: the Secrets it does not ship are the ones dev generates, so the README list is complete', () => {
    const referenced = new Set(
      serviceCatalog.flatMap(({ name }) =>
        (
          container(find(overlays.production, 'Deployment', name)).envFrom as {
            secretRef?: { name: string; optional?: boolean };
          }[]
        )
          .filter((source) => source.secretRef && !source.secretRef.optional)
          .map((source) => source.secretRef!.name),
      ),
    );
    assert.deepEqual(
      overlays.production.filter((object) => object.kind === 'Secret'),
      [],
      'no secret values in git for production',
    );
    const devSecrets = dev
      .filter((object) => object.kind === 'Secret')
      .map((secret) => secret.metadata.name.replace(/-[a-z0-9]{10}$/, ''));
    for (const name of referenced) assert.ok(devSecrets.includes(name), `dev generates ${name}`);
    for (const { name } of serviceCatalog)
      assert.ok(referenced.has(`${name}-database`), `${name} reads its own DATABASE_URL Secret`);
    const readme = readText('README.md');
    for (const name of ['shared-secrets', 'orchestrator-llm'])
      assert.ok(readme.includes(name), `the README says how to create ${name}`);
  });

  test('the Ingress routes the web app and its API, MCP and the docs to the orchestrator and /auth to auth, nothing else', () => {
    for (const objects of Object.values(overlays)) {
      const ingress = find(objects, 'Ingress', 'shop');
      const paths = (
        ingress.spec.rules as {
          http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] };
        }[]
      ).flatMap((rule) => rule.http.paths);
      const routes = Object.fromEntries(paths.map(({ path, backend }) => [path, backend.service.name]));
      const orchestratorRoutes = [
        '/',
        '/assets',
        '/chat',
        '/mcp',
        '/.well-known/oauth-protected-resource',
        '/checkout',
        '/orders',
        '/cart',
        '/conversations',
        '/admin',
        '/docs',
        '/openapi.json',
      ];
      assert.deepEqual(routes, {
        ...Object.fromEntries(orchestratorRoutes.map((path) => [path, 'orchestrator'])),
        '/auth': 'auth',
      });
      assert.ok(
        !paths.some(({ path }) =>
          ['/metrics', '/health', '/ready'].some((internal) => internal.startsWith(path) && path !== '/'),
        ),
        'no operational route is public',
      );
      for (const { backend } of paths)
        assert.equal(find(objects, 'Service', backend.service.name).spec.ports[0].name, backend.service.port.name);
    }
    const production = find(overlays.production, 'Ingress', 'shop');
    assert.ok(production.spec.tls?.length, 'production serves TLS');
  });

  test('the NetworkPolicy lets only the orchestrator reach the services it calls', () => {
    const called = serviceCatalog
      .filter(({ name }) => configKeys(definitions.orchestrator.configSchema).includes(serviceUrlVariable(name)))
      .map(({ name }) => name)
      // Auth is public (the Ingress routes /auth to it); the orchestrator relays the web app's logins to it too.
      .filter((name) => name !== 'auth');
    assert.deepEqual(called.sort(), [...domainServices].sort());
    const policy = find(overlays.production, 'NetworkPolicy', 'domain-services-from-orchestrator');
    assert.deepEqual(policy.spec.podSelector.matchExpressions, [
      { key: 'app.kubernetes.io/name', operator: 'In', values: domainServices },
    ]);
    assert.deepEqual(
      policy.spec.ingress.map((rule: { from: unknown }) => rule.from),
      [[{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orchestrator' } } }]],
    );
    const orchestratorPods = find(overlays.production, 'Deployment', 'orchestrator').spec.template.metadata.labels;
    assert.equal(orchestratorPods['app.kubernetes.io/name'], 'orchestrator');
  });

  test('production scales the orchestrator and keeps one up through voluntary disruptions', () => {
    const objects = overlays.production;
    const autoscaler = find(objects, 'HorizontalPodAutoscaler', 'orchestrator');
    assert.deepEqual(autoscaler.spec.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'orchestrator',
    });
    assert.ok(autoscaler.spec.minReplicas >= 2);
    assert.equal(
      find(objects, 'Deployment', 'orchestrator').spec.replicas,
      undefined,
      'the autoscaler owns the count; an apply does not reset it',
    );
    const budget = find(objects, 'PodDisruptionBudget', 'orchestrator');
    const labels = find(objects, 'Deployment', 'orchestrator').spec.template.metadata.labels;
    for (const [label, value] of Object.entries(budget.spec.selector.matchLabels as Record<string, string>))
      assert.equal(labels[label], value);
    assert.ok(budget.spec.minAvailable < autoscaler.spec.minReplicas, 'a drain can still evict one replica');
  });

  test('the CloudNativePG Cluster has the six service roles and the schema grants of deploy/postgres/init.sql', () => {
    const cluster = find(dev, 'Cluster', 'ecommerce-db');
    const database = cluster.spec.bootstrap.initdb.database as string;
    const roles = cluster.spec.managed.roles as { name: string; login: boolean; passwordSecret: { name: string } }[];
    assert.deepEqual(
      roles.map((role) => role.name),
      serviceCatalog.map(({ schema }) => roleName(schema)),
    );
    const statements = (cluster.spec.bootstrap.initdb.postInitApplicationSQL as string[]).map((sql) =>
      sql.trim().toLowerCase(),
    );
    const grants = readText('deploy/postgres/init.sql')
      .split('\n')
      .filter((line) => /^(grant|revoke|create schema)/.test(line))
      .map((line) => line.replace(':"DBNAME"', database).replace(/;$/, ''));
    assert.equal(grants.length, 2 + 2 * serviceCatalog.length);
    for (const grant of grants) assert.ok(statements.includes(grant), `the Cluster runs "${grant}"`);
    for (const { name, schema } of serviceCatalog) {
      const role = roles.find((candidate) => candidate.name === roleName(schema))!;
      assert.equal(role.login, true);
      const password = decoded(find(dev, 'Secret', role.passwordSecret.name));
      assert.equal(password.username, role.name, 'a basic-auth Secret for the role');
      const url = new URL(containerEnvironment(dev, find(dev, 'Deployment', name)).DATABASE_URL!);
      assert.deepEqual(
        [url.username, url.password, url.hostname, url.pathname],
        [role.name, password.password, `${cluster.metadata.name}-rw`, `/${database}`],
      );
    }
  });

  test('the observability component: traces to its Jaeger, scrape annotations, and the Grafana dashboard as it is in deploy/grafana/', () => {
    const jaeger = find(dev, 'Service', 'jaeger');
    const endpoint = new URL(
      containerEnvironment(dev, find(dev, 'Deployment', 'product')).OTEL_EXPORTER_OTLP_ENDPOINT!,
    );
    assert.equal(endpoint.hostname, 'jaeger');
    assert.ok((jaeger.spec.ports as { port: number }[]).some(({ port }) => port === Number(endpoint.port)));
    for (const { name } of serviceCatalog) {
      assert.equal(find(dev, 'Deployment', name).spec.template.metadata.annotations['prometheus.io/scrape'], 'true');
    }
    const dashboard = find(dev, 'ConfigMap', 'grafana-dashboard-ecommerce');
    assert.equal(
      dashboard.data?.['ecommerce-overview.json'],
      readText('deploy/grafana/dashboards/ecommerce-overview.json'),
    );
    assert.equal(
      overlays.production.find((object) => object.metadata.name === 'jaeger'),
      undefined,
      'optional: production leaves it out',
    );
  });
});
