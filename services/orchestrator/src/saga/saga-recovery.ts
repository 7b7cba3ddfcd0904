import type { Logger } from '@ecomm/platform';
import type { SagaOwner, SagaRepository } from './saga-repository.js';

interface Resumable {
  resume: (owner: SagaOwner) => Promise<unknown>;
  /** The saga types it can drive: a failed compensation of another type is left as it is, for a process that can. */
  types: readonly string[];
}

export interface SagaRecoveryOptions {
  repository: SagaRepository;
  runner: Resumable;
  logger: Logger;
  /** A run whose heartbeat is older than this is presumed orphaned (its process died). */
  staleAfterMs: number;
  /**
   * A run whose compensation failed (a service down while undoing) is compensated again `firstAfterMs` after, then
   * with a back-off doubling each time, `most` times; then it waits for an operator. Without it, it always waits.
   */
  compensationRetry?: { firstAfterMs: number; most: number };
  /** Runs taken up per sweep at most. */
  batch?: number;
}

/**
 * Takes up orphaned runs and retries failed compensations, from any replica; the app runs `sweep` at start and then
 * periodically.
 */
export function createSagaRecovery(options: SagaRecoveryOptions) {
  const { repository, logger, compensationRetry } = options;
  let sweeping: Promise<void> | undefined;

  async function claimNext() {
    const orphaned = await repository.claimStale(options.staleAfterMs);
    if (orphaned) {
      logger.info({ sagaId: orphaned.sagaId, ownerVersion: orphaned.version }, 'taking up an orphaned saga run');
      return orphaned;
    }
    const failed =
      compensationRetry && (await repository.claimFailedCompensation(compensationRetry, options.runner.types));
    if (failed)
      logger.info({ sagaId: failed.sagaId, ownerVersion: failed.version }, 'retrying a failed saga compensation');
    return failed;
  }

  async function sweepOnce() {
    // One at a time: a run is claimed only when this process is ready to drive it, so none waits in a queue here
    // while its heartbeat ages and another replica claims it too.
    for (let taken = 0; taken < (options.batch ?? 20); taken++) {
      const owner = await claimNext();
      if (!owner) return;
      await options.runner
        .resume(owner)
        .catch((error: unknown) => logger.error({ sagaId: owner.sagaId, err: error }, 'saga recovery failed'));
    }
  }

  function sweep() {
    sweeping ??= sweepOnce()
      .catch((error: unknown) => logger.warn({ err: error }, 'saga sweep failed'))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  }

  return { sweep };
}
