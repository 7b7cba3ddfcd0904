import type { Logger } from '@ecomm/platform';
import type { DomainClients } from '../clients/domain-clients.js';

export interface FulfilmentSimulationOptions {
  clients: DomainClients;
  logger: Logger;
  shipAfterMs: number;
  deliverAfterMs: number;
}

/**
 * For demos and evals: a stand-in warehouse that ships each order paid through this process after a delay and
 * delivers it after another. Timers live in memory, so an order paid just before a restart stays paid (an operator
 * can still ship it). A move refused because the order was cancelled meanwhile is simply dropped.
 */
export function createFulfilmentSimulation(options: FulfilmentSimulationOptions) {
  const { clients, logger } = options;
  const timers = new Set<NodeJS.Timeout>();

  function later(delayMs: number, work: () => Promise<unknown>) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void work();
    }, delayMs).unref();
    timers.add(timer);
  }

  async function move(orderId: string, step: 'ship' | 'deliver') {
    try {
      await clients.orders[step](orderId, `simulation:${step}:${orderId}`);
      return true;
    } catch (error) {
      logger.info({ orderId, step, err: error }, 'simulated fulfilment step not applied');
      return false;
    }
  }

  return {
    orderPaid(orderId: string) {
      later(options.shipAfterMs, async () => {
        if (await move(orderId, 'ship')) later(options.deliverAfterMs, () => move(orderId, 'deliver'));
      });
    },
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
