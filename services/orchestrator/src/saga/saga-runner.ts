import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '@ecomm/platform';
import type { FastifyBaseLogger } from 'fastify';
import { applyFault, type Fault } from './fault-injection.js';
import type { SagaDefinition, SagaFailure, SagaOutcome, SagaStep, StepContext } from './saga-definition.js';
import type { SagaRepository, SagaStepRecord } from './saga-repository.js';

export interface SagaRunnerOptions {
  repository: SagaRepository;
  logger: FastifyBaseLogger;
  heartbeatMs: number;
  /** In-process attempts for a step past the pivot and for each compensation, with exponential backoff. */
  attempts: number;
  backoffMs: number;
  onCompensation?: (step: string, outcome: 'compensated' | 'failed') => void;
}

const compensable = new Set<SagaStepRecord['status']>(['succeeded', 'failed', 'running', 'compensation_failed']);

function describeError(step: string, error: unknown): SagaFailure {
  if (isAppError(error)) {
    return { step, statusCode: error.statusCode, code: error.code, message: error.message, details: error.details };
  }
  return { step, statusCode: 500, code: 'STEP_FAILED', message: error instanceof Error ? error.message : String(error) };
}

const undetermined = Symbol('undetermined');

const interrupted = (step: string): SagaFailure => ({
  step,
  statusCode: 503,
  code: 'INTERRUPTED',
  message: 'The checkout was interrupted before payment and has been undone',
});

/** Runs a saga durably: state is saved before and after every step, so any process can take a run up again. */
export function createSagaRunner<Input, Data>(definition: SagaDefinition<Input, Data>, options: SagaRunnerOptions) {
  const { repository, logger } = options;
  const pivotIndex = definition.steps.findIndex((step) => step.name === definition.pivot);
  if (pivotIndex < 0) throw new Error(`Saga ${definition.type}: pivot step ${definition.pivot} is not one of its steps`);

  function contextFor(sagaId: string, input: Input, data: Partial<Data>, step: SagaStep<Input, Data>): StepContext<Input, Data> {
    return { sagaId, input, data, idempotencyKey: (suffix) => [sagaId, step.name, suffix].filter(Boolean).join(':') };
  }

  /**
   * Asks whether an in-doubt step took effect. When even that question goes unanswered the step stays
   * running, neither failed nor done, and the sweep asks again once the run's heartbeat is stale.
   */
  async function resolveInDoubt(sagaId: string, step: SagaStep<Input, Data>, context: StepContext<Input, Data>) {
    try {
      return await step.resolveInDoubt!(context);
    } catch (error) {
      logger.warn({ sagaId, step: step.name, err: error }, 'saga step outcome still unknown; the sweep will look again');
      return undetermined;
    }
  }

  async function compensate(sagaId: string, input: Input, data: Partial<Data>, records: SagaStepRecord[], failure: SagaFailure) {
    await repository.updateRun(sagaId, { status: 'compensating', failure });
    const failedSteps: string[] = [];
    for (let index = pivotIndex; index >= 0; index--) {
      const step = definition.steps[index]!;
      const record = records[index]!;
      if (!step.compensate || !compensable.has(record.status)) continue;
      let lastError: unknown;
      for (let attempt = 1; attempt <= options.attempts; attempt++) {
        try {
          await repository.updateStep(sagaId, step.name, { compensationAttempts: record.compensationAttempts + attempt });
          await step.compensate(contextFor(sagaId, input, data, step));
          lastError = undefined;
          break;
        } catch (error) {
          lastError = error;
          if (attempt < options.attempts) await sleep(options.backoffMs * 2 ** (attempt - 1));
        }
      }
      if (lastError === undefined) {
        await repository.updateStep(sagaId, step.name, { status: 'compensated', compensatedAt: new Date() });
        options.onCompensation?.(step.name, 'compensated');
      } else {
        failedSteps.push(step.name);
        const message = describeError(step.name, lastError).message;
        await repository.updateStep(sagaId, step.name, { status: 'compensation_failed', error: `compensation failed: ${message}` });
        options.onCompensation?.(step.name, 'failed');
        logger.error({ sagaId, step: step.name, err: lastError }, 'saga compensation failed');
      }
    }
    const status = failedSteps.length > 0 ? 'compensation_failed' : 'compensated';
    await repository.updateRun(sagaId, { status });
    if (failedSteps.length > 0) {
      logger.error({ sagaId, failedSteps, failure }, 'saga run ended compensation_failed: retry it with POST /admin/sagas/:id/retry');
    }
    return { status, data, failure } as const;
  }

  async function execute(sagaId: string, recovering: boolean, fault?: Fault): Promise<SagaOutcome<Data>> {
    const found = await repository.find(sagaId);
    if (!found) throw new Error(`Saga run ${sagaId} not found`);
    const input = found.run.input as Input;
    let data = found.run.data as Partial<Data>;
    const records = found.steps;
    if (found.run.status === 'compensating') {
      return compensate(sagaId, input, data, records, found.run.failure as SagaFailure);
    }

    for (const [index, step] of definition.steps.entries()) {
      const record = records[index]!;
      if (record.status === 'succeeded') continue;
      const pastPivot = index > pivotIndex;
      const markSucceeded = async (patch: Partial<Data>) => {
        data = { ...data, ...patch };
        record.status = 'succeeded';
        await repository.updateRun(sagaId, { data });
        await repository.updateStep(sagaId, step.name, { status: 'succeeded', finishedAt: new Date(), error: null });
      };

      if (recovering && record.status === 'running' && step.resolveInDoubt) {
        const resolved = await resolveInDoubt(sagaId, step, contextFor(sagaId, input, data, step));
        if (resolved === undetermined) return { status: 'running', data };
        if (resolved) {
          await markSucceeded(resolved);
          continue;
        }
      }
      if (recovering && !pastPivot) return compensate(sagaId, input, data, records, interrupted(step.name));

      const allowedAttempts = pastPivot ? options.attempts : 1;
      for (let attempt = 1; ; attempt++) {
        record.status = 'running';
        await repository.updateStep(sagaId, step.name, { status: 'running', attempts: record.attempts + attempt, startedAt: new Date() });
        try {
          if (attempt === 1) applyFault(fault, step.name, 'before');
          const patch = await step.run(contextFor(sagaId, input, data, step));
          applyFault(fault, step.name, 'after');
          await markSucceeded(patch);
          break;
        } catch (error) {
          const failure = describeError(step.name, error);
          // Any failure of such a step is in doubt, not only a timeout: the client retries a timed-out call
          // with the same key and then hears "still in progress", or the connection drops after the effect.
          if (step.resolveInDoubt) {
            const resolved = await resolveInDoubt(sagaId, step, contextFor(sagaId, input, data, step));
            if (resolved === undetermined) return { status: 'running', data };
            if (resolved) {
              await markSucceeded(resolved);
              break;
            }
          }
          record.status = 'failed';
          await repository.updateStep(sagaId, step.name, { status: 'failed', error: failure.message, finishedAt: new Date() });
          if (!pastPivot) return compensate(sagaId, input, data, records, failure);
          if (attempt >= allowedAttempts) {
            logger.warn({ sagaId, step: step.name, err: error }, 'saga step past the pivot still failing; the sweep will retry it');
            return { status: 'running', data };
          }
          await sleep(options.backoffMs * 2 ** (attempt - 1));
        }
      }
    }
    await repository.updateRun(sagaId, { status: 'completed' });
    return { status: 'completed', data };
  }

  async function withHeartbeat<T>(sagaId: string, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void repository.beat(sagaId).catch(() => undefined), options.heartbeatMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  return {
    definition,
    async start(sagaId: string, input: Input, fault?: Fault) {
      await repository.create({ id: sagaId, type: definition.type, input, stepNames: definition.steps.map((step) => step.name) });
      return withHeartbeat(sagaId, () => execute(sagaId, false, fault));
    },
    /** Takes up a run after a crash or a stalled step: compensates before the pivot, rolls forward after. */
    resume(sagaId: string) {
      return withHeartbeat(sagaId, () => execute(sagaId, true));
    },
  };
}

export type SagaRunner<Input, Data> = ReturnType<typeof createSagaRunner<Input, Data>>;
