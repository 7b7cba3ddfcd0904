import { setTimeout as sleep } from 'node:timers/promises';
import { paymentSimulationSchema, type PaymentSimulation } from '@ecomm/contracts';
import { AppError } from '@ecomm/platform';

/** `lateByMs`: how long after capturing the gateway's answer arrives (a simulated timeout). */
type GatewayOutcome =
  | { status: 'captured'; lateByMs: number }
  | { status: 'declined'; reason: string }
  | { status: 'error'; reason: string };

export interface PaymentGateway {
  charge(amountCents: number, simulation?: PaymentSimulation): Promise<GatewayOutcome>;
}

export interface SimulatedGatewaySettings {
  latencyMs: number;
  failureRate: number;
  simulatedDelayMs: number;
}

/** A stand-in for a card processor: fixed latency, a random decline rate, and outcomes forced by tests and demos. */
export function createSimulatedGateway(settings: SimulatedGatewaySettings): PaymentGateway {
  return {
    async charge(_amountCents, simulation) {
      if (settings.latencyMs > 0) await sleep(settings.latencyMs);
      if (simulation === 'error') return { status: 'error', reason: 'the gateway did not process the charge' };
      if (simulation === 'decline' || Math.random() < settings.failureRate)
        return { status: 'declined', reason: 'Card declined by issuer' };
      return { status: 'captured', lateByMs: simulation === 'timeout' ? settings.simulatedDelayMs : 0 };
    },
  };
}

/** The X-Payment-Simulate header's value, or undefined when simulation is off (the header is then ignored). */
export function readSimulation(header: string | string[] | undefined, enabled: boolean): PaymentSimulation | undefined {
  if (!enabled || header === undefined) return undefined;
  const parsed = paymentSimulationSchema.safeParse(header);
  if (!parsed.success) {
    throw AppError.badRequest(`X-Payment-Simulate must be one of ${paymentSimulationSchema.options.join(', ')}`);
  }
  return parsed.data;
}
