import { serviceUrlVariable, type ServiceName } from '@ecomm/cluster';
import type { BaseConfig, ServiceDefinition } from '@ecomm/platform';
import type { FastifyInstance } from 'fastify';
import { startTestService } from './service-harness.js';
import type { TestDatabase } from './test-database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of different services have different configs
type AnyDefinition = ServiceDefinition<any>;

export interface TestCluster {
  urls: Partial<Record<ServiceName, string>>;
  apps: Partial<Record<ServiceName, FastifyInstance>>;
  /** The *_SERVICE_URL variables a caller of these services needs. */
  serviceUrls: Record<string, string>;
  stop: () => Promise<void>;
}

/**
 * Starts the given services in this process, each on a random loopback port: real HTTP between them.
 * The orchestrator, if given, starts last, pointed at the others.
 */
export async function startTestCluster(
  definitions: Partial<Record<ServiceName, AnyDefinition>>,
  database: TestDatabase,
  environment: Partial<Record<ServiceName, Record<string, string>>> = {},
): Promise<TestCluster> {
  const cluster: TestCluster = { urls: {}, apps: {}, serviceUrls: {}, stop: async () => {} };
  const entries = Object.entries(definitions) as [ServiceName, ServiceDefinition<BaseConfig & { PORT: number }>][];
  const ordered = [
    ...entries.filter(([name]) => name !== 'orchestrator'),
    ...entries.filter(([name]) => name === 'orchestrator'),
  ];
  for (const [name, definition] of ordered) {
    const { app, url } = await startTestService(definition, database, { ...cluster.serviceUrls, ...environment[name] });
    cluster.urls[name] = url;
    cluster.apps[name] = app;
    cluster.serviceUrls[serviceUrlVariable(name)] = url;
  }
  cluster.stop = async () => {
    for (const [name] of ordered.reverse()) await cluster.apps[name]?.close();
  };
  return cluster;
}
