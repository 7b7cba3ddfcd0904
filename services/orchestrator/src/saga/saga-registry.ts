import type { SagaRepository } from './saga-repository.js';

interface Resumable {
  resume: (sagaId: string) => Promise<unknown>;
}

/** Takes a run up with the runner of its type, so one sweep and one admin API serve every saga. */
export function createSagaRegistry(repository: SagaRepository, runners: Record<string, Resumable>) {
  return {
    async resume(sagaId: string) {
      const found = await repository.find(sagaId);
      if (!found) throw new Error(`Saga run ${sagaId} not found`);
      const runner = runners[found.run.type];
      if (!runner) throw new Error(`Saga run ${sagaId} is of unknown type ${found.run.type}`);
      return runner.resume(sagaId);
    },
  };
}
