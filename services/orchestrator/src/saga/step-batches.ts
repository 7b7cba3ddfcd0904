import type { SagaDefinition } from './saga-definition.js';

/**
 * The steps' indexes in the groups the runner runs together: each step alone, except one `alongsidePrevious`, which
 * joins the group of the step before it. Only past the pivot, where nothing is compensated, so steps running at once
 * never have an undo order to keep.
 */
export function stepBatches<Input, Data>(definition: SagaDefinition<Input, Data>, pivotIndex: number) {
  const batches: number[][] = [];
  for (const [index, step] of definition.steps.entries()) {
    if (!step.alongsidePrevious) {
      batches.push([index]);
      continue;
    }
    if (index - 1 <= pivotIndex) {
      throw new Error(
        `Saga ${definition.type}: step ${step.name} may run alongside the step before it only if both come after the pivot`,
      );
    }
    batches.at(-1)!.push(index);
  }
  return batches;
}

/** Waits for every call, so none is left running unseen, then fails with the first failure if any. */
export async function allSettled<Value>(calls: Promise<Value>[]) {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((each) => each.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((each) => (each as PromiseFulfilledResult<Value>).value);
}
