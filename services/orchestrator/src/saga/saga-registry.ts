import type { SagaOwner, SagaRepository } from './saga-repository.js';

interface Resumable {
  resume: (owner: SagaOwner) => Promise<unknown>;
}

/** Takes a run up with the runner of its type, so one sweep and one admin API serve every saga. */
export function createSagaRegistry(repository: SagaRepository, runners: Record<string, Resumable>) {
  return {
    /** The saga types this process can drive. */
    types: Object.keys(runners),
    async resume(owner: SagaOwner) {
      const found = await repository.find(owner.sagaId);
      if (!found) throw new Error(`Saga run ${owner.sagaId} not found`);
      const runner = runners[found.run.type];
      if (!runner) throw new Error(`Saga run ${owner.sagaId} is of unknown type ${found.run.type}`);
      return runner.resume(owner);
    },
  };
}
