import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from '@ecomm/contracts';
import { spanAttributes, withSpan, type Logger } from '@ecomm/platform';
import { applyFault, type Fault } from './fault-injection.js';
import { createCompensation } from './saga-compensation.js';
import {
  describeError,
  type SagaDefinition,
  type SagaFailure,
  type SagaOutcome,
  type StepContext,
} from './saga-definition.js';
import { fencedWrites, isOwnershipLost, type FencedWrites } from './saga-ownership.js';
import { allSettled, stepBatches } from './step-batches.js';
import type { PivotGate } from './pivot-gate.js';
import type { SagaOwner, SagaRepository, SagaState, SagaStepRecord } from './saga-repository.js';

export interface SagaRunnerOptions {
  repository: SagaRepository;
  logger: Logger;
  /**
   * Also how long after a write or beat that found the run its own a process counts it surely still its own: less
   * than half the sweep's stale limit (the config enforces it).
   */
  heartbeatMs: number;
  /** In-process attempts for a step past the pivot, an in-doubt step and each compensation, with exponential backoff. */
  attempts: number;
  backoffMs: number;
  onCompensation?: (step: string, outcome: 'compensated' | 'failed') => void;
  /** Once per run: only the owner whose fenced write marks it completed is told, whoever started it. */
  onCompleted?: (type: string, data: unknown) => void;
}

type StepResult<Data> =
  | { outcome: 'succeeded'; patch: Partial<Data> }
  | { outcome: 'failed'; failure: SagaFailure }
  | { outcome: 'in_doubt' };

const refusedForGood = (failure: SagaFailure) => failure.statusCode < 500 && !isRetryable(failure);

const interrupted = (step: string): SagaFailure => ({
  step,
  statusCode: 503,
  code: 'INTERRUPTED',
  message: 'The checkout was interrupted before payment and has been undone',
});

const stoppedBeforePivot = (step: string): SagaFailure => ({
  step,
  statusCode: 503,
  code: 'DEADLINE_EXCEEDED',
  message: 'The checkout took too long and was stopped before payment; it has been undone',
});

/**
 * Runs a saga durably: a step's start is saved before its call and its outcome with the next write (one write per
 * step), so any process can take a run up again.
 *
 * Past the pivot, a step's first attempt goes without that write while the run is surely still this process's
 * (`ownedWithin` one heartbeat: the stale limit is more than two) and the pivot can be looked up again: the pivot's
 * outcome and those of the steps after it then go in the run's last write. A crash in between leaves the pivot
 * recorded as started; recovery looks it up, finds it, and runs the later steps again with the same keys, which is
 * what they do anyway after a crash mid-call. A later attempt, a failure and a stale ownership are written as before:
 * an owner paused during the pivot's call may have lost the run to one that, not finding the payment yet, is undoing
 * it, and must not confirm the order meanwhile.
 */
export function createSagaRunner<Input, Data>(definition: SagaDefinition<Input, Data>, options: SagaRunnerOptions) {
  const { repository, logger } = options;
  const pivotIndex = definition.steps.findIndex((step) => step.name === definition.pivot);
  if (pivotIndex < 0)
    throw new Error(`Saga ${definition.type}: pivot step ${definition.pivot} is not one of its steps`);
  const backoff = (attempt: number) => sleep(options.backoffMs * 2 ** (attempt - 1));
  const pivotFoundAgain = definition.steps[pivotIndex]!.resolveInDoubt !== undefined;

  function contextFor(sagaId: string, input: Input, data: Partial<Data>, stepIndex: number): StepContext<Input, Data> {
    const { name } = definition.steps[stepIndex]!;
    return { sagaId, input, data, idempotencyKey: (suffix) => [sagaId, name, suffix].filter(Boolean).join(':') };
  }
  const batches = stepBatches(definition, pivotIndex);
  const compensate = createCompensation(definition, pivotIndex, contextFor, options);

  /** Whether an in-doubt step took effect; undefined if not, 'unknown' when even that question goes unanswered. */
  async function lookUp(sagaId: string, stepIndex: number, context: StepContext<Input, Data>) {
    const step = definition.steps[stepIndex]!;
    try {
      return await step.resolveInDoubt!(context);
    } catch (error) {
      logger.warn({ sagaId, step: step.name, err: error }, 'could not learn whether the saga step took effect');
      return 'unknown' as const;
    }
  }

  /** `startRecorded`: the first attempt's start is already written (by the run's creation, for its first step). */
  async function attemptStep(
    writes: FencedWrites,
    stepIndex: number,
    record: SagaStepRecord,
    context: StepContext<Input, Data>,
    startRecorded: boolean,
    fault?: Fault,
  ) {
    const { sagaId } = writes.owner;
    const step = definition.steps[stepIndex]!;
    const pastPivot = stepIndex > pivotIndex;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1 || !startRecorded) {
        record.attempts += 1;
        const start = { status: 'running', attempts: record.attempts, startedAt: new Date() } as const;
        // Recorded before the call, and fenced: a process that lost the run stops here, before the side effect.
        // Past the pivot a first attempt needs no fence while the run is surely ours (see createSagaRunner).
        if (pastPivot && attempt === 1 && pivotFoundAgain && writes.ownedWithin(options.heartbeatMs)) {
          writes.later({}, { [step.name]: start });
        } else await writes.step(step.name, start);
      }
      record.status = 'running';
      try {
        applyFault(fault, step.name, 'before', attempt);
        const patch = await step.run(context);
        applyFault(fault, step.name, 'after');
        return { outcome: 'succeeded', patch } satisfies StepResult<Data>;
      } catch (error) {
        // A step whose call may take effect unheard (a timeout, a dropped connection, a retry told "still in
        // progress") is looked up before anything is decided, and asked again with the same key while in doubt.
        if (step.resolveInDoubt) {
          const found = await lookUp(sagaId, stepIndex, context);
          if (found === 'unknown') return { outcome: 'in_doubt' } satisfies StepResult<Data>;
          if (found) return { outcome: 'succeeded', patch: found } satisfies StepResult<Data>;
          if (step.isInDoubt?.(error)) {
            if (attempt >= options.attempts) {
              await writes.step(step.name, { error: `outcome unknown: ${describeError(step.name, error).message}` });
              return { outcome: 'in_doubt' } satisfies StepResult<Data>;
            }
            await backoff(attempt);
            continue;
          }
        }
        const failure = describeError(step.name, error);
        record.status = 'failed';
        await writes.step(step.name, { status: 'failed', error: failure.message, finishedAt: new Date() });
        if (!pastPivot || attempt >= options.attempts) return { outcome: 'failed', failure } satisfies StepResult<Data>;
        await backoff(attempt);
      }
    }
  }

  /** One step's attempts in a span; a run taken up again first asks whether a step cut off mid-call took effect. */
  function performStep(
    writes: FencedWrites,
    index: number,
    record: SagaStepRecord,
    input: Input,
    data: Partial<Data>,
    recovering: boolean,
    fault?: Fault,
  ) {
    const { sagaId } = writes.owner;
    const step = definition.steps[index]!;
    const attributes = { [spanAttributes.sagaId]: sagaId, [spanAttributes.sagaStep]: step.name };
    return withSpan(`saga ${step.name}`, attributes, async (span): Promise<StepResult<Data> | 'interrupted'> => {
      let outcome: StepResult<Data> | 'interrupted' | undefined;
      if (recovering && record.status === 'running' && step.resolveInDoubt) {
        const found = await lookUp(sagaId, index, contextFor(sagaId, input, data, index));
        if (found === 'unknown') outcome = { outcome: 'in_doubt' };
        else if (found) outcome = { outcome: 'succeeded', patch: found };
      }
      if (!outcome && recovering && index <= pivotIndex) outcome = 'interrupted';
      // A run just started finds its first step recorded as running by its creation.
      const startRecorded = !recovering && record.status === 'running';
      const context = contextFor(sagaId, input, data, index);
      outcome ??= await attemptStep(writes, index, record, context, startRecorded, fault);
      span.setAttribute(spanAttributes.sagaOutcome, outcome === 'interrupted' ? outcome : outcome.outcome);
      return outcome;
    });
  }

  async function execute(
    writes: FencedWrites,
    found: SagaState,
    recovering: boolean,
    fault?: Fault,
    gate?: PivotGate,
  ): Promise<SagaOutcome<Data>> {
    const { sagaId } = writes.owner;
    const input = found.run.input as Input;
    let data = found.run.data as Partial<Data>;
    const records = found.steps;
    const { status, failure } = found.run;
    if (status === 'compensating') return compensate(writes, input, data, records, failure as SagaFailure);
    // Taken up by a sweep just as its first owner finished it: nothing left to do.
    if (status === 'completed') return { status, data };
    if (status !== 'running') return { status, data, failure: failure as SagaFailure };

    for (const batch of batches) {
      const due = batch.filter((index) => records[index]!.status !== 'succeeded');
      if (due.length === 0) continue;
      // Steps run together only past the pivot: before it, each batch is one step.
      const [first] = due as [number];
      const pastPivot = first > pivotIndex;
      if (gate && !pastPivot && !gate.mayProceed(first === pivotIndex)) {
        const record = records[first]!;
        // A run just created has its first step recorded as started, though not yet called: nothing of it to undo.
        if (!recovering && record.status === 'running') {
          const notStarted = { status: 'pending', attempts: 0, startedAt: null } as const;
          Object.assign(record, notStarted);
          writes.later({}, { [record.name]: notStarted });
        }
        return compensate(writes, input, data, records, stoppedBeforePivot(record.name));
      }
      const results = await allSettled(
        due.map((index) => performStep(writes, index, records[index]!, input, data, recovering, fault)),
      );
      if (results[0] === 'interrupted')
        return compensate(writes, input, data, records, interrupted(records[first]!.name));

      // Merged in the steps' order, whichever answered first; written with the next write (one write per step, or fewer).
      for (const [position, result] of results.entries()) {
        if (result === 'interrupted' || result.outcome !== 'succeeded') continue;
        const record = records[due[position]!]!;
        data = { ...data, ...result.patch };
        record.status = 'succeeded';
        writes.later({ data }, { [record.name]: { status: 'succeeded', finishedAt: new Date(), error: null } });
      }
      const unfinished = results.findIndex((result) => result !== 'interrupted' && result.outcome !== 'succeeded');
      if (unfinished < 0) continue;
      const result = results[unfinished] as Exclude<StepResult<Data>, { outcome: 'succeeded' }>;
      const step = definition.steps[due[unfinished]!]!;
      if (result.outcome === 'failed' && !pastPivot) return compensate(writes, input, data, records, result.failure);
      if (result.outcome === 'failed' && refusedForGood(result.failure)) {
        // Retrying a refusal forever would hide it: the run waits for an operator instead.
        await writes.run({ status: 'needs_attention', failure: result.failure });
        logger.error({ sagaId, step: step.name, failure: result.failure }, 'saga run past the payment needs attention');
        return { status: 'needs_attention', data, failure: result.failure };
      }
      logger.warn({ sagaId, step: step.name, outcome: result.outcome }, 'saga run left for the sweep to finish');
      return { status: 'running', data };
    }
    await writes.run({ status: 'completed' });
    options.onCompleted?.(definition.type, data);
    return { status: 'completed', data };
  }

  /** Drives the run as `owner` while beating; a run lost to another process is that process's to finish. */
  async function drive(
    owner: SagaOwner,
    found: SagaState | undefined,
    recovering: boolean,
    fault?: Fault,
    gate?: PivotGate,
  ): Promise<SagaOutcome<Data>> {
    const writes = fencedWrites(repository, owner);
    const timer = setInterval(() => void writes.beat().catch(() => undefined), options.heartbeatMs);
    try {
      const state = found ?? (await repository.find(owner.sagaId));
      if (!state) throw new Error(`Saga run ${owner.sagaId} not found`);
      const outcome = await execute(writes, state, recovering, fault, gate);
      await writes.flush();
      return outcome;
    } catch (error) {
      if (!isOwnershipLost(error)) {
        // The run's record could not be written (its database busy or away), perhaps after a charge: what was done
        // stands, and the run, left running with a heartbeat that ages, is the sweep's to finish or undo. Never an
        // error its caller could take for "nothing happened".
        logger.error({ sagaId: owner.sagaId, err: error }, 'saga run could not be recorded; left for the sweep');
        return { status: 'running', data: {} };
      }
      logger.warn(
        { sagaId: owner.sagaId, ownerVersion: owner.version },
        'saga run taken over by another process; stopped before its next step',
      );
      return { status: 'running', data: {} };
    } finally {
      clearInterval(timer);
    }
  }

  return {
    definition,
    /** `gate` lets the caller stop the run before its pivot, e.g. at a deadline. */
    async start(sagaId: string, input: Input, fault?: Fault, gate?: PivotGate) {
      const stepNames = definition.steps.map((step) => step.name);
      const { state, ...owner } = await repository.create({ id: sagaId, type: definition.type, input, stepNames });
      return drive(owner, state, false, fault, gate);
    },
    /**
     * An earlier run with this id: where it stands, as `start` would have answered it, and the input it was started
     * with; undefined if there is none.
     */
    async earlierRun(sagaId: string): Promise<{ outcome: SagaOutcome<Data>; input: Input } | undefined> {
      const found = await repository.find(sagaId);
      if (!found) return undefined;
      const { status, failure } = found.run;
      const data = found.run.data as Partial<Data>;
      const input = found.run.input as Input;
      if (status === 'completed') return { outcome: { status, data }, input };
      if (status === 'running' || status === 'compensating') return { outcome: { status: 'running', data }, input };
      return { outcome: { status, data, failure: failure as SagaFailure }, input };
    },
    /** Where an earlier run with this id stands, as `start` would have answered it; undefined if there is none. */
    async outcomeOf(sagaId: string): Promise<SagaOutcome<Data> | undefined> {
      return (await this.earlierRun(sagaId))?.outcome;
    },
    /**
     * Takes up a run claimed after a crash or a stalled step (or reopened by an operator): compensates before the
     * pivot, rolls forward after.
     */
    resume(owner: SagaOwner) {
      return drive(owner, undefined, true);
    },
  };
}

export type SagaRunner<Input, Data> = ReturnType<typeof createSagaRunner<Input, Data>>;
