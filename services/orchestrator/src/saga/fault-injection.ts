import { AppError } from '@ecomm/platform';
import { z } from 'zod';

/**
 * Test and demo hook, honoured only with SAGA_FAULT_INJECTION=true: fail a step once, or kill the process
 * just before a step or just after its call returned (before the outcome is saved). Faults live in memory
 * only, so a run taken up again after a crash is never faulted twice.
 */
const faultSchema = z.object({
  step: z.string().min(1),
  mode: z.enum(['error', 'reject', 'crash-before', 'crash-after']),
});

export type Fault = z.infer<typeof faultSchema>;

export const faultHeader = 'x-saga-fault';

/** Reads `step:mode`, e.g. `create_order:crash-after`. */
export function parseFault(header: string): Fault {
  const [step, mode] = header.split(':');
  const parsed = faultSchema.safeParse({ step, mode });
  if (!parsed.success)
    throw AppError.badRequest(`${faultHeader} must look like "<step>:error|reject|crash-before|crash-after"`);
  return parsed.data;
}

function crash(): never {
  // SIGKILL: no cleanup, no last writes, as when a container is killed.
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** `error` fails the step's first attempt, `reject` every attempt (a refusal for good), the crashes happen once. */
export function applyFault(fault: Fault | undefined, step: string, moment: 'before' | 'after', attempt = 1) {
  if (!fault || fault.step !== step) return;
  if (fault.mode === 'reject') {
    if (moment === 'before') throw new AppError(409, 'INJECTED_REJECTION', `Injected refusal at step ${step}`);
    return;
  }
  if (attempt > 1) return;
  if (moment === 'before' && fault.mode === 'crash-before') crash();
  if (moment === 'after' && fault.mode === 'crash-after') crash();
  if (moment === 'before' && fault.mode === 'error') {
    throw new AppError(503, 'INJECTED_FAULT', `Injected failure at step ${step}`);
  }
}
