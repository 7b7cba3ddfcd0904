import { after, before } from 'node:test';
import { createDatabase, type DatabaseSettings, type ServiceDefinition } from '@ecomm/platform';
import type { FastifyInstance } from 'fastify';
import { buildTestService, startTestService } from './service-harness.js';
import { startTestCluster, type TestCluster } from './test-cluster.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

interface DatabaseScope {
  database?: TestDatabase;
  /** What was started on the database, stopped newest first before it is dropped. */
  stops: (() => Promise<void>)[];
}

const scopes = new WeakMap<object, DatabaseScope>();

let previousSetUp: Promise<unknown> = Promise.resolve();

/**
 * A `before` hook that waits for the ones registered through this module before it. Node 20 starts a file's
 * top-level `before` hooks without waiting for one another, so set-up that uses a fixture goes through here.
 */
export function beforeTests(setUp: () => Promise<unknown>) {
  before(() => {
    const run = previousSetUp.then(setUp);
    previousSetUp = run.catch(() => {});
    return run;
  });
}

/**
 * Stands for a value a `before` hook makes: inside tests and later hooks it is that value, so a test file can declare
 * `const app = useTestService(...)` at the top; touched any earlier, it says so instead of failing obscurely.
 */
function readyLater<Value>(current: () => Value | undefined, what: string): Value {
  const value = () => {
    const made = current();
    if (made === undefined) throw new Error(`${what} is made in a before hook: use it inside tests and hooks`);
    return made;
  };
  return new Proxy({} as Value & object, {
    get(_, property) {
      const target = value() as Value & object;
      const member: unknown = Reflect.get(target, property, target);
      return typeof member === 'function' ? member.bind(target) : member;
    },
    set: (_, property, member) => Reflect.set(value() as Value & object, property, member),
    has: (_, property) => Reflect.has(value() as Value & object, property),
    ownKeys: () => Reflect.ownKeys(value() as Value & object),
    getOwnPropertyDescriptor: (_, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(value() as Value & object, property);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/**
 * A fresh database for the tests of this file (or of the `describe` it is called in): created before them, dropped
 * after them, once whatever was started on it with `useTestFixture` or `useTestService` has been stopped.
 */
export function useTestDatabase(): TestDatabase {
  const scope: DatabaseScope = { stops: [] };
  beforeTests(async () => {
    scope.database = await createTestDatabase();
  });
  after(async () => {
    for (const stop of scope.stops.reverse()) await stop();
    await scope.database?.drop();
  });
  const database = readyLater(() => scope.database, 'The test database');
  scopes.set(database, scope);
  return database;
}

/**
 * Whatever `start` makes on the test database, made before the tests and stopped after them (before the database is
 * dropped). Pass `database` from `useTestDatabase()` to share one between fixtures; without it each has its own.
 */
export function useTestFixture<Value>(
  start: (database: TestDatabase) => Promise<Value>,
  stop: (started: Value) => Promise<unknown>,
  database: TestDatabase = useTestDatabase(),
): Value {
  const scope = scopes.get(database);
  if (!scope) throw new Error('useTestFixture takes the database useTestDatabase() returned');
  let started: { value: Value } | undefined;
  beforeTests(async () => {
    const value = await start(scope.database!);
    started = { value };
    scope.stops.push(async () => {
      await stop(value);
    });
  });
  return readyLater(() => started?.value, 'A test fixture');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- definitions of different services have different configs
type AnyDefinition = ServiceDefinition<any>;

interface TestServiceOptions {
  /** Settings on top of the test environment. */
  environment?: Record<string, string>;
  /** A database shared with other fixtures of the file; by default the service has one of its own. */
  database?: TestDatabase;
}

/** A service's real app on a fresh, migrated test database for this file, ready for `inject`; closed after. */
export function useTestService(definition: AnyDefinition, options: TestServiceOptions = {}): FastifyInstance {
  return useTestFixture(
    (database) => buildTestService(definition, database, options.environment),
    (app) => app.close(),
    options.database,
  );
}

/** Several services on one test database, each on a random loopback port: see `startTestCluster`. */
export function useTestCluster(...[definitions, environment, database]: UseTestClusterArguments): TestCluster {
  return useTestFixture(
    (shared) => startTestCluster(definitions, shared, environment),
    (cluster) => cluster.stop(),
    database,
  );
}

type UseTestClusterArguments = [
  definitions: Parameters<typeof startTestCluster>[0],
  environment?: Parameters<typeof startTestCluster>[2],
  database?: TestDatabase,
];

/** The same, listening on a random loopback port (`url`), for tests that talk real HTTP to it. */
export function useListeningTestService(definition: AnyDefinition, options: TestServiceOptions = {}) {
  return useTestFixture(
    (database) => startTestService(definition, database, options.environment),
    (service) => service.app.close(),
    options.database,
  );
}

/** A pool of the test's own on its database, as the admin, for what no request shows (locks, rows, keys). */
export function useAdminDatabase(database: TestDatabase, settings: Omit<DatabaseSettings, 'url'> = {}) {
  return useTestFixture(
    async (started) => createDatabase({ ...settings, url: started.adminUrl }),
    (connection) => connection.close(),
    database,
  );
}
