import { isAppError } from '@ecomm/platform';

/** What a step sees: the run's id and input, and the outputs of the steps before it. */
export interface StepContext<Input, Data> {
  sagaId: string;
  input: Input;
  data: Partial<Data>;
  /** Idempotency key for this step's calls: the same on every retry and after a restart. */
  idempotencyKey: (suffix?: string) => string;
}

/** One step beside its compensation, as in a Medusa workflow. */
interface SagaStep<Input, Data> {
  name: string;
  /** Performs the step; what it returns is merged into the run's data and persisted. */
  run: (context: StepContext<Input, Data>) => Promise<Partial<Data>>;
  /** Undoes the step. Must accept missing data: the step may have failed before producing anything. */
  compensate?: (context: StepContext<Input, Data>) => Promise<void>;
  /**
   * Compensate even when the run's record says the step never started (it must then be idempotent and accept
   * missing data): a process that lost the run may still have this step's call in flight, e.g. a charge. The undo
   * must stop that call from landing (a void): when it fails, the steps before are left undone, for a retry.
   */
  compensateUnstarted?: boolean;
  /**
   * For a step whose outcome is unknown (a timeout, or a crash mid-call): asks the other service whether
   * the effect happened, returning the step's output if it did and undefined if it did not.
   */
  resolveInDoubt?: (context: StepContext<Input, Data>) => Promise<Partial<Data> | undefined>;
  /**
   * Whether a failed call left the outcome unknown (no answer, or "still in progress"). Such a failure is not a
   * failure until it is known to be: the step is looked up and asked again with the same idempotency key.
   */
  isInDoubt?: (error: unknown) => boolean;
  /**
   * Runs at the same time as the step before it, both past the pivot (the runner refuses it elsewhere): for a step
   * that does not read that step's output. Each is still retried forward with its own key, and the run goes on (or
   * ends) once both have settled.
   */
  alongsidePrevious?: boolean;
}

export interface SagaDefinition<Input, Data> {
  type: string;
  steps: SagaStep<Input, Data>[];
  /**
   * The step after whose success the saga only goes forward: before it, a failure or a crash is compensated;
   * after it, the remaining steps are retried until they succeed.
   */
  pivot: string;
}

/** `needs_attention`: paid, but a later step is refused for good; an operator decides, then retries it. */
export type SagaRunStatus =
  'running' | 'compensating' | 'completed' | 'compensated' | 'compensation_failed' | 'needs_attention';

export interface SagaFailure {
  step: string;
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
}

export type SagaOutcome<Data> =
  | { status: 'completed'; data: Partial<Data> }
  | { status: 'compensated' | 'compensation_failed' | 'needs_attention'; data: Partial<Data>; failure: SagaFailure }
  /** Past the pivot a step still failing, or the pivot's outcome unknown: the sweep finishes the run later. */
  | { status: 'running'; data: Partial<Data> };

export function describeError(step: string, error: unknown): SagaFailure {
  if (isAppError(error)) {
    return { step, statusCode: error.statusCode, code: error.code, message: error.message, details: error.details };
  }
  return {
    step,
    statusCode: 500,
    code: 'STEP_FAILED',
    message: error instanceof Error ? error.message : String(error),
  };
}
