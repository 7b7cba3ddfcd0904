import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AppError, createDatabase, migrateSchema } from '@ecomm/platform';
import { useTestFixture } from '@ecomm/testing';
import Fastify from 'fastify';
import type { SagaDefinition } from '../src/saga/saga-definition.js';
import { createSagaRepository, type SagaRepository } from '../src/saga/saga-repository.js';
import type { SagaRunnerOptions } from '../src/saga/saga-runner.js';

export const silentLogger = Fastify({ logger: false }).log;

/** The orchestrator's schema, migrated, on a fresh database of this test file, behind a saga repository. */
export function useSagaRepository() {
  const connection = useTestFixture(
    async (database) => {
      const url = database.urlFor('orchestrator');
      const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
      await migrateSchema({ url, schema: 'orchestrator', migrationsFolder });
      return createDatabase({ url });
    },
    (started) => started.close(),
  );
  let repository: SagaRepository | undefined;
  return {
    get repository(): SagaRepository {
      return (repository ??= createSagaRepository(connection.db));
    },
  };
}

/** Quick retries, and a heartbeat that never beats during a test (a take-over is forced with claimStale(0)). */
export function runnerOptions(
  repository: SagaRepository,
  overrides: Partial<SagaRunnerOptions> = {},
): SagaRunnerOptions {
  return { repository, logger: silentLogger, heartbeatMs: 60_000, attempts: 3, backoffMs: 1, ...overrides };
}

type Data = Record<string, string>;
type Input = { label: string };
type Step = SagaDefinition<Input, Data>['steps'][number];

/** How a fake step behaves: `fail` may throw on a given attempt of its run; the rest is passed to the step. */
export type FakeStep = Partial<Omit<Step, 'run' | 'compensate'>> & {
  fail?: (attempt: number) => void | Promise<void>;
  failUndo?: (attempt: number) => void;
  noCompensation?: boolean;
};

/**
 * reserve → create → charge (the pivot) → confirm → notify. Every call is written to `trajectory` as `run:<step>`,
 * `undo:<step>` or `lookup:<step>`, with the idempotency key each run used in `keys`.
 */
export function fakeSaga(behaviour: Record<string, FakeStep> = {}) {
  const trajectory: string[] = [];
  const keys: string[] = [];
  const attempts = new Map<string, number>();
  const undoAttempts = new Map<string, number>();
  const count = (counter: Map<string, number>, name: string) => {
    counter.set(name, (counter.get(name) ?? 0) + 1);
    return counter.get(name)!;
  };
  const step = (name: string): Step => {
    const { fail, failUndo, noCompensation, resolveInDoubt, ...rest } = behaviour[name] ?? {};
    return {
      name,
      ...rest,
      run: async (context) => {
        trajectory.push(`run:${name}`);
        keys.push(context.idempotencyKey());
        await fail?.(count(attempts, name));
        return { [name]: `${name} done` };
      },
      ...(noCompensation
        ? {}
        : {
            compensate: async () => {
              trajectory.push(`undo:${name}`);
              failUndo?.(count(undoAttempts, name));
            },
          }),
      ...(resolveInDoubt
        ? {
            resolveInDoubt: (context) => {
              trajectory.push(`lookup:${name}`);
              return resolveInDoubt(context);
            },
          }
        : {}),
    };
  };
  const definition: SagaDefinition<Input, Data> = {
    type: 'fake',
    pivot: 'charge',
    steps: ['reserve', 'create', 'charge', 'confirm', 'notify'].map(step),
  };
  return { definition, trajectory, keys, input: { label: 'a test run' }, newId: () => randomUUID() };
}

/** A step's call that waits until the test lets it go: the process running it is "cut off" meanwhile. */
export function heldCall() {
  let reach: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    reached,
    release,
    /** For `fail`: holds the first attempt only. */
    hold: async (attempt: number) => {
      if (attempt > 1) return;
      reach();
      await released;
    },
  };
}

export const refusal = (code = 'ORDER_GONE') => new AppError(409, code, `Refused: ${code}`);
export const timeout = () => new AppError(504, 'UPSTREAM_TIMEOUT', 'No answer in time');

/** reserve → create → charge (the pivot, found again by a lookup) → confirm, and notify alongside it. */
export const alongsideSaga = (behaviour: Record<string, FakeStep> = {}) =>
  fakeSaga({
    ...behaviour,
    charge: { resolveInDoubt: async () => ({ charge: 'charge done' }), ...behaviour.charge },
    notify: { ...behaviour.notify, alongsidePrevious: true },
  });

export const callsOf = (trajectory: string[], call: string) => trajectory.filter((each) => each === call).length;

/** What the sweep does once the run's heartbeat is old enough: claims it (runs of earlier tests may come first). */
async function takeOverRun(repository: SagaRepository, id: string) {
  for (let claimed = 0; claimed < 20; claimed++) {
    const owner = await repository.claimStale(0);
    if (owner?.sagaId === id) return owner;
  }
  throw new Error(`run ${id} was never claimed`);
}

/** A test file's run store, with the take-over and the step records the steps-alongside tests read. */
export function useSagaRecords() {
  const database = useSagaRepository();
  return {
    database,
    takeOver: (id: string) => takeOverRun(database.repository, id),
    stepRecords: async (id: string) =>
      (await database.repository.find(id))!.steps.map((step) => [step.name, step.status, step.attempts]),
  };
}
