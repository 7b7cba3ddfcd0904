import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { targetOptions, targetUrls, workspaceRoot } from '@ecomm/cluster';
import { startOwnCluster } from './cluster-bootstrap.js';
import { defaultDatasetPath, loadDataset } from './dataset-schema.js';
import { loadEnvironment } from './environment.js';
import { createJudge, judgeSettingsFrom } from './judge.js';
import { runEvals } from './runner.js';
import { familySummary, resultsTable } from './terminal-table.js';

const usage = `Usage: pnpm evals [options]

Runs the agent eval dataset and checks the shop's state after every case.

  --filter <f>       only cases whose family is <f> or whose name contains it (comma-separated for several)
  --repeat <k>       run every case k times and report pass^1 … pass^k (default 1)
  --url <url>        use the running cluster whose orchestrator is at <url> instead of starting one; it needs
                     ALLOW_TEST_RESET=true, and INTERNAL_API_KEY from the environment or .env.local
  --product-url, --order-url, --payment-url, --session-url, --auth-url <url>
                     with --url: where those services are (default: the orchestrator's host, the next five ports)
  --provider <p>     the model of the cluster the evals start: offline (default) or openai (OPENAI_API_KEY, LLM_MODEL...)
  --dataset <path>   another dataset file (default evals/dataset.json)
  --no-report        do not write evals/reports/<timestamp>.json

The judge runs when JUDGE_MODEL and JUDGE_API_KEY/OPENAI_API_KEY (or JUDGE_BASE_URL/OPENAI_BASE_URL) are set.`;

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    filter: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    ...targetOptions,
    provider: { type: 'string', default: 'offline' },
    dataset: { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const root = workspaceRoot();
const environment = loadEnvironment(root);
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) fail('--repeat must be a whole number of at least 1');
if (values.provider !== 'offline' && values.provider !== 'openai') fail('--provider must be offline or openai');

let cases;
try {
  cases = loadDataset(values.dataset ? resolve(process.cwd(), values.dataset) : defaultDatasetPath);
} catch (error) {
  fail((error as Error).message);
}
if (values.filter) {
  const filters = values.filter
    .toLowerCase()
    .split(',')
    .map((each) => each.trim())
    .filter(Boolean);
  cases = cases.filter((evalCase) =>
    filters.some((filter) => evalCase.family === filter || evalCase.name.includes(filter)),
  );
  if (cases.length === 0) fail(`No case matches --filter ${values.filter}`);
}

const judgeChoice = judgeSettingsFrom(environment);
const judge = 'settings' in judgeChoice ? createJudge(judgeChoice.settings) : null;
console.log(
  'disabled' in judgeChoice
    ? `No judge (${judgeChoice.disabled}): grading on the state checks alone.`
    : `Judge: ${judgeChoice.settings.model} (a case passes only if the state checks pass and the judge agrees).`,
);

let stopCluster = async () => {};
let target;
if (values.url) {
  const key =
    environment.INTERNAL_API_KEY ?? fail('--url needs INTERNAL_API_KEY, from the environment or the root .env.local');
  target = { urls: targetUrls(values), internalApiKey: key };
  console.log(`Using the cluster at ${target.urls.orchestrator}.`);
} else {
  const started = Date.now();
  console.log(
    `Starting a cluster of its own (embedded PostgreSQL in a temp folder, ${values.provider} model, random ports)...`,
  );
  try {
    const cluster = await startOwnCluster({ root, environment, provider: values.provider as 'offline' | 'openai' });
    target = cluster.target;
    stopCluster = cluster.stop;
  } catch (error) {
    fail(`The cluster did not start: ${(error as Error).message}`);
  }
  console.log(`Cluster up in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
const interrupted = async () => {
  await stopCluster();
  process.exit(130);
};
process.once('SIGINT', () => void interrupted());
process.once('SIGTERM', () => void interrupted());

console.log(`Running ${cases.length} case${cases.length === 1 ? '' : 's'}${repeat > 1 ? ` × ${repeat}` : ''}...\n`);
let outcome;
try {
  outcome = await runEvals({
    target,
    cases,
    repeat,
    judge,
    reportDirectory: values['no-report'] ? null : join(root, 'evals', 'reports'),
  });
} catch (error) {
  await stopCluster();
  fail(`The run stopped: ${(error as Error).message}`);
}
await stopCluster();

console.log(`\n${resultsTable(outcome.report.cases)}\n\n${familySummary(outcome.report.cases, repeat)}`);
console.log(
  `\n${outcome.report.summary.passed}/${outcome.report.summary.cases} cases passed in ${(outcome.report.duration_ms / 1000).toFixed(1)} s.`,
);
if (outcome.reportPath) console.log(`Report: ${outcome.reportPath}`);
process.exit(outcome.passed ? 0 : 1);
