import { setTimeout as sleep } from 'node:timers/promises';
import { spanAttributes, withSpan, type Logger } from '@ecomm/platform';
import { describeError, type SagaDefinition, type SagaFailure, type StepContext } from './saga-definition.js';
import { isOwnershipLost, type FencedWrites } from './saga-ownership.js';
import type { SagaStepRecord } from './saga-repository.js';

export interface CompensationOptions {
  logger: Logger;
  attempts: number;
  backoffMs: number;
  onCompensation?: (step: string, outcome: 'compensated' | 'failed') => void;
}

// A step that never started has nothing to undo; one that ran, failed or may have run (a crash mid-call) might.
const compensable = new Set<SagaStepRecord['status']>(['succeeded', 'failed', 'running', 'compensation_failed']);
// A step marked compensateUnstarted is undone even when this run's record says it never started: a process that lost
// the run may have its call in flight.
const mustUndo = (step: { compensateUnstarted?: boolean }, record: SagaStepRecord) =>
  compensable.has(record.status) || (step.compensateUnstarted === true && record.status === 'pending');

/**
 * Undoes a run in reverse order, from the pivot down. Each compensation is retried with backoff; one that still
 * fails is recorded and reported, and the others run anyway, except below a step marked compensateUnstarted, whose
 * call may still land. Already compensated steps are skipped, so a retry (the sweep's or an operator's) finishes only
 * what is left.
 */
export function createCompensation<Input, Data>(
  definition: SagaDefinition<Input, Data>,
  pivotIndex: number,
  contextFor: (sagaId: string, input: Input, data: Partial<Data>, stepIndex: number) => StepContext<Input, Data>,
  options: CompensationOptions,
) {
  const { logger } = options;

  async function undo(writes: FencedWrites, input: Input, data: Partial<Data>, index: number, record: SagaStepRecord) {
    const { sagaId } = writes.owner;
    const step = definition.steps[index]!;
    let lastError: unknown;
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      try {
        await writes.step(step.name, { compensationAttempts: record.compensationAttempts + attempt });
        await withSpan(
          `saga compensate ${step.name}`,
          {
            [spanAttributes.sagaId]: sagaId,
            [spanAttributes.sagaStep]: step.name,
            [spanAttributes.sagaOutcome]: 'compensating',
          },
          () => step.compensate!(contextFor(sagaId, input, data, index)),
        );
        // Written with the next compensation's start or the run's end: undoing again is harmless (same key).
        writes.later({}, { [step.name]: { status: 'compensated', compensatedAt: new Date() } });
        options.onCompensation?.(step.name, 'compensated');
        return true;
      } catch (error) {
        if (isOwnershipLost(error)) throw error;
        lastError = error;
        if (attempt < options.attempts) await sleep(options.backoffMs * 2 ** (attempt - 1));
      }
    }
    const message = describeError(step.name, lastError).message;
    await writes.step(step.name, { status: 'compensation_failed', error: `compensation failed: ${message}` });
    options.onCompensation?.(step.name, 'failed');
    logger.error({ sagaId, step: step.name, err: lastError }, 'saga compensation failed');
    return false;
  }

  return async function compensate(
    writes: FencedWrites,
    input: Input,
    data: Partial<Data>,
    records: SagaStepRecord[],
    failure: SagaFailure,
  ) {
    const { sagaId } = writes.owner;
    await writes.run({ status: 'compensating', failure });
    const failedSteps: string[] = [];
    for (let index = pivotIndex; index >= 0; index--) {
      const record = records[index]!;
      const step = definition.steps[index]!;
      if (!step.compensate || !mustUndo(step, record)) continue;
      if (await undo(writes, input, data, index, record)) continue;
      failedSteps.push(record.name);
      // The undo of a step that may still be in flight (compensateUnstarted) is what stops it from landing: until it
      // is done, the steps before stay as they are (the order, the stock, the cart), so a late charge never lands on
      // goods given back. A retry (the sweep's, or an operator's) undoes it, then them.
      if (step.compensateUnstarted) break;
    }
    const status = failedSteps.length > 0 ? 'compensation_failed' : 'compensated';
    await writes.run({ status });
    if (failedSteps.length > 0) {
      logger.error(
        { sagaId, failedSteps, failure },
        'saga run ended compensation_failed; the sweep retries it (SAGA_COMPENSATION_RETRIES), or POST /admin/sagas/:id/retry',
      );
    }
    return { status, data, failure } as const;
  };
}
