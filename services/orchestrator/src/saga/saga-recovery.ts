import type { Logger } from '@ecomm/platform';
import type { SagaOwner, SagaRepository } from './saga-repository.js';

interface Resumable {
  resume: (owner: SagaOwner) => Promise<unknown>;
}

export interface SagaRecoveryOptions {
  repository: SagaRepository;
  runner: Resumable;
  logger: Logger;
  /** A run whose heartbeat is older than this is presumed orphaned (its process died). */
  staleAfterMs: number;
  /** Runs taken up per sweep at most. */
  batch?: number;
}

/** Takes up orphaned runs, from any replica; the app runs `sweep` at start and then periodically. */
export function createSagaRecovery(options: SagaRecoveryOptions) {
  let sweeping: Promise<void> | undefined;

  async function sweepOnce() {
    // One at a time: a run is claimed only when this process is ready to drive it, so none waits in a queue here
    // while its heartbeat ages and another replica claims it too.
    for (let taken = 0; taken < (options.batch ?? 20); taken++) {
      const owner = await options.repository.claimStale(options.staleAfterMs);
      if (!owner) return;
      const { sagaId } = owner;
      options.logger.info({ sagaId, ownerVersion: owner.version }, 'taking up an orphaned saga run');
      await options.runner
        .resume(owner)
        .catch((error: unknown) => options.logger.error({ sagaId, err: error }, 'saga recovery failed'));
    }
  }

  function sweep() {
    sweeping ??= sweepOnce()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'saga sweep failed'))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  }

  return { sweep };
}
