import type { Family } from './dataset-schema.js';
import type { Verdict } from './judge.js';
import type { CaseObservation } from './observation.js';

export interface RunResult {
  passed: boolean;
  /** Failed checks, then the judge's reason when it disagreed. */
  failures: string[];
  verdict: Verdict | null;
  model_calls: number;
  latency_ms: number;
  observation: CaseObservation | null;
}

export interface CaseResult {
  name: string;
  family: Family;
  runs: RunResult[];
}

/**
 * pass^i for i = 1..k as τ-bench reports it: the share of cases that passed in every one of their first i runs.
 * pass^1 is the plain pass rate; the later ones show how reliably the agent repeats a success.
 */
export function passHat(cases: readonly { runs: readonly { passed: boolean }[] }[], k: number): number[] {
  return Array.from({ length: k }, (_, index) => {
    if (cases.length === 0) return 0;
    const passing = cases.filter(
      (each) => each.runs.length > index && each.runs.slice(0, index + 1).every((run) => run.passed),
    );
    return passing.length / cases.length;
  });
}

export const casePassed = (result: CaseResult) => result.runs.length > 0 && result.runs.every((run) => run.passed);

export function summaryByFamily(results: readonly CaseResult[]) {
  const families = new Map<Family, { cases: number; passed: number }>();
  for (const result of results) {
    const entry = families.get(result.family) ?? { cases: 0, passed: 0 };
    entry.cases += 1;
    if (casePassed(result)) entry.passed += 1;
    families.set(result.family, entry);
  }
  return Object.fromEntries(families) as Partial<Record<Family, { cases: number; passed: number }>>;
}
