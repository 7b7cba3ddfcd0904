import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShopClient, type ShopClient } from '@ecomm/cluster';
import { observeCase } from './case-runner.js';
import { checkCase } from './checks.js';
import type { EvalCase } from './dataset-schema.js';
import type { Judge } from './judge.js';
import type { CaseObservation } from './observation.js';
import { casePassed, passHat, summaryByFamily, type CaseResult, type RunResult } from './results.js';
import { seedCatalog, type ShopTarget } from './shop-client.js';
import { createProgress } from './terminal-table.js';

export interface RunOptions {
  target: ShopTarget;
  cases: EvalCase[];
  repeat?: number;
  judge?: Judge | null;
  /** Where the JSON report goes; null writes none. */
  reportDirectory?: string | null;
  progress?: ReturnType<typeof createProgress> | null;
}

async function runCase(shop: ShopClient, evalCase: EvalCase, judge: Judge | null): Promise<RunResult> {
  let observation: CaseObservation;
  try {
    observation = await observeCase(shop, evalCase);
  } catch (error) {
    return {
      passed: false,
      failures: [`error: ${(error as Error).message}`],
      verdict: null,
      model_calls: 0,
      latency_ms: 0,
      observation: null,
    };
  }
  const failures = checkCase(evalCase, observation);
  let verdict = null;
  if (judge) {
    try {
      verdict = await judge.grade(evalCase, observation);
      if (verdict.verdict === 'fail') failures.push(`judge: ${verdict.reasoning}`);
    } catch (error) {
      failures.push(`judge error: ${(error as Error).message}`);
    }
  }
  const sum = (pick: (turn: CaseObservation['turns'][number]) => number) =>
    observation.turns.reduce((total, turn) => total + pick(turn), 0);
  return {
    passed: failures.length === 0,
    failures,
    verdict,
    model_calls: sum((turn) => turn.model_calls),
    latency_ms: sum((turn) => turn.latency_ms),
    observation,
  };
}

/** Runs every case `repeat` times, one at a time (each resets the shared catalog), and builds the report. */
export async function runEvals(options: RunOptions) {
  const repeat = options.repeat ?? 1;
  const judge = options.judge ?? null;
  const progress = options.progress === undefined ? createProgress(options.cases.length * repeat) : options.progress;
  const shop = createShopClient({ ...options.target, onNotice: (message) => progress?.note(message) });
  const startedAt = new Date();
  // Fails the run at once, with the reason, when the cluster cannot be reset (e.g. ALLOW_TEST_RESET is off).
  await seedCatalog(shop);

  const results: CaseResult[] = options.cases.map((evalCase) => ({
    name: evalCase.name,
    family: evalCase.family,
    runs: [],
  }));
  for (let round = 1; round <= repeat; round++) {
    for (const [index, evalCase] of options.cases.entries()) {
      const label = `${evalCase.family}/${evalCase.name}${repeat > 1 ? ` (run ${round}/${repeat})` : ''}`;
      progress?.started(label);
      const run = await runCase(shop, evalCase, judge);
      results[index]!.runs.push(run);
      progress?.finished(label, run.passed, run.latency_ms);
    }
  }

  const finishedAt = new Date();
  const models = [
    ...new Set(
      results.flatMap((result) => result.runs.flatMap((run) => run.observation?.turns.map((turn) => turn.model) ?? [])),
    ),
  ];
  const report = {
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - startedAt.getTime(),
    target: options.target.urls,
    models: models.filter((model): model is string => model !== null),
    judge: judge?.model ?? null,
    repeat,
    summary: {
      cases: results.length,
      passed: results.filter(casePassed).length,
      pass_hat: Object.fromEntries(passHat(results, repeat).map((share, index) => [`pass^${index + 1}`, share])),
      by_family: summaryByFamily(results),
    },
    cases: results,
  };
  let reportPath: string | null = null;
  if (options.reportDirectory) {
    mkdirSync(options.reportDirectory, { recursive: true });
    reportPath = join(options.reportDirectory, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  }
  return { report, reportPath, passed: results.every(casePassed) };
}

export type EvalReport = Awaited<ReturnType<typeof runEvals>>;
