import type { RunChanges, SagaOwner, SagaRepository, StepChanges } from './saga-repository.js';

/** Thrown when a write finds the run taken over by another process: this one must stop before any further effect. */
export class SagaOwnershipLost extends Error {
  constructor(readonly owner: SagaOwner) {
    super(
      `Saga run ${owner.sagaId} was taken over by another process (owner version ${owner.version} is no longer current)`,
    );
    this.name = 'SagaOwnershipLost';
  }
}

export const isOwnershipLost = (error: unknown): error is SagaOwnershipLost => error instanceof SagaOwnershipLost;

/**
 * The writes of one owner of a run. Each is conditional on the owner version; one that finds it changed throws, so
 * the caller never reaches its next side effect (a step starts only after its start is recorded).
 *
 * A step's outcome (and the run's data it brings) is kept back and written with the next write instead, e.g. "step 1
 * succeeded, its output, step 2 started" in one statement: nothing happens in between that a crash could lose (the
 * next side effect waits for that write), and a crash before it leaves the step recorded as started, which recovery
 * already treats as a call whose outcome is unknown.
 */
export function fencedWrites(repository: SagaRepository, owner: SagaOwner) {
  let heldRun: RunChanges = {};
  let heldSteps: Record<string, StepChanges> = {};
  const hold = (run: RunChanges, steps: Record<string, StepChanges>) => {
    heldRun = { ...heldRun, ...run };
    for (const [name, changes] of Object.entries(steps)) heldSteps[name] = { ...heldSteps[name], ...changes };
  };
  // When the latest write or beat that found the run still ours was sent: its heartbeat is no older, so no other
  // process can take the run over before that heartbeat is stale.
  let confirmedAt: number | undefined;
  const confirmed = (sentAt: number) => (confirmedAt = Math.max(confirmedAt ?? sentAt, sentAt));
  const write = async (run: RunChanges, steps: Record<string, StepChanges>) => {
    hold(run, steps);
    const sentAt = performance.now();
    // Taken out when sent, so what steps running together hold meanwhile waits for the next write; put back under
    // anything newer if the write throws (a dropped connection), for the next write to carry.
    const sending = { run: heldRun, steps: heldSteps };
    heldRun = {};
    heldSteps = {};
    let written: boolean;
    try {
      written = await repository.write(owner, sending.run, sending.steps);
    } catch (error) {
      heldRun = { ...sending.run, ...heldRun };
      for (const [name, changes] of Object.entries(sending.steps)) heldSteps[name] = { ...changes, ...heldSteps[name] };
      throw error;
    }
    if (!written) throw new SagaOwnershipLost(owner);
    confirmed(sentAt);
  };
  return {
    owner,
    run: (changes: RunChanges) => write(changes, {}),
    step: (name: string, changes: StepChanges) => write({}, { [name]: changes }),
    /**
     * Kept back and written with the next write (or `flush`): a step's outcome, or a start past the pivot, which no
     * side effect waits for.
     */
    later: (run: RunChanges, steps: Record<string, StepChanges>) => hold(run, steps),
    /** Writes what was kept back, if anything. */
    flush: () => (Object.keys(heldRun).length + Object.keys(heldSteps).length > 0 ? write({}, {}) : Promise.resolve()),
    /** A heartbeat; one that finds the run still ours also counts for `ownedWithin`. */
    beat: async () => {
      const sentAt = performance.now();
      if (await repository.beat(owner)) confirmed(sentAt);
    },
    /** Whether a write or beat found the run still ours less than `ms` ago. */
    ownedWithin: (ms: number) => confirmedAt !== undefined && performance.now() - confirmedAt < ms,
  };
}

export type FencedWrites = ReturnType<typeof fencedWrites>;
