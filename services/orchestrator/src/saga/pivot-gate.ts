/**
 * Lets whoever started a run stop it before its pivot, without a race: once the pivot step has begun the run can only
 * go forward, and once the gate is shut the run never begins it (it compensates instead).
 */
export function createPivotGate() {
  let state: 'open' | 'passed' | 'shut' = 'open';
  return {
    /** Asked by the runner before each step up to the pivot: false once the gate is shut. */
    mayProceed(toPivot: boolean) {
      if (state === 'shut') return false;
      if (toPivot) state = 'passed';
      return true;
    },
    /** True when the run will now never begin its pivot; false when it already has. */
    shut() {
      if (state === 'passed') return false;
      state = 'shut';
      return true;
    },
  };
}

export type PivotGate = ReturnType<typeof createPivotGate>;
