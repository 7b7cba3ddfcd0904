import type { FastifyBaseLogger } from 'fastify';
import type { SagaRepository } from './saga-repository.js';

interface Resumable {
  resume: (sagaId: string) => Promise<unknown>;
}

export interface SagaRecoveryOptions {
  repository: SagaRepository;
  runner: Resumable;
  logger: FastifyBaseLogger;
  /** A run whose heartbeat is older than this is presumed orphaned (its process died). */
  staleAfterMs: number;
  intervalMs: number;
}

/** Takes up orphaned runs at start and then periodically, from any replica. */
export function createSagaRecovery(options: SagaRecoveryOptions) {
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  async function sweepOnce() {
    const sagaIds = await options.repository.claimStale(options.staleAfterMs, 20);
    for (const sagaId of sagaIds) {
      options.logger.info({ sagaId }, 'taking up an orphaned saga run');
      await options.runner.resume(sagaId).catch((error: unknown) => options.logger.error({ sagaId, err: error }, 'saga recovery failed'));
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

  return {
    sweep,
    start() {
      void sweep();
      timer = setInterval(() => void sweep(), options.intervalMs).unref();
    },
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
