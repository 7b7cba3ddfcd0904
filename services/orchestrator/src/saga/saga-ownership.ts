import type { SagaRunStatus, SagaFailure } from './saga-definition.js';
import type { SagaOwner, SagaRepository, SagaStepRecord } from './saga-repository.js';

/** Thrown when a write finds the run taken over by another process: this one must stop before any further effect. */
export class SagaOwnershipLost extends Error {
  constructor(readonly owner: SagaOwner) {
    super(`Saga run ${owner.sagaId} was taken over by another process (owner version ${owner.version} is no longer current)`);
    this.name = 'SagaOwnershipLost';
  }
}

export const isOwnershipLost = (error: unknown): error is SagaOwnershipLost => error instanceof SagaOwnershipLost;

type StepChanges = Partial<Omit<SagaStepRecord, 'sagaId' | 'name' | 'position'>>;

/**
 * The writes of one owner of a run. Each is conditional on the owner version; one that finds it changed throws, so
 * the caller never reaches its next side effect (a step starts only after its start is recorded).
 */
export function fencedWrites(repository: SagaRepository, owner: SagaOwner) {
  const check = async (written: Promise<boolean>) => {
    if (!(await written)) throw new SagaOwnershipLost(owner);
  };
  return {
    owner,
    run: (changes: { status?: SagaRunStatus; data?: unknown; failure?: SagaFailure | null }) => check(repository.updateRun(owner, changes)),
    step: (name: string, changes: StepChanges) => check(repository.updateStep(owner, name, changes)),
  };
}

export type FencedWrites = ReturnType<typeof fencedWrites>;
