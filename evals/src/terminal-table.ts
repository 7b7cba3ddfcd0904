import { casePassed, passHat, summaryByFamily, type CaseResult } from './results.js';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(2)} s`;
const average = (values: number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;

/** Why a case failed, in one line: the first failure of its first failing run. */
export function failureReason(result: CaseResult) {
  const index = result.runs.findIndex((run) => !run.passed);
  if (index < 0) return '';
  const { failures } = result.runs[index]!;
  const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : '';
  const reason = `${result.runs.length > 1 ? `run ${index + 1}: ` : ''}${failures[0] ?? 'failed'}`;
  return `${reason.length > 200 ? `${reason.slice(0, 199)}…` : reason}${more}`;
}

function render(rows: string[][]) {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    )
    .join('\n');
}

export function resultsTable(results: readonly CaseResult[]) {
  const rows = results.map((result) => {
    const passes = result.runs.filter((run) => run.passed).length;
    const verdict = casePassed(result) ? 'PASS' : 'FAIL';
    return [
      result.family,
      result.name,
      result.runs.length > 1 ? `${verdict} ${passes}/${result.runs.length}` : verdict,
      String(Math.round(average(result.runs.map((run) => run.model_calls)))),
      seconds(average(result.runs.map((run) => run.latency_ms))),
      failureReason(result),
    ];
  });
  return render([['FAMILY', 'CASE', 'RESULT', 'CALLS', 'LATENCY', 'REASON'], ...rows]);
}

export function familySummary(results: readonly CaseResult[], repeat: number) {
  const rows = Object.entries(summaryByFamily(results)).map(([family, { cases, passed }]) => [
    family,
    `${passed}/${cases}`,
    percent(passed / cases),
  ]);
  const passed = results.filter(casePassed).length;
  rows.push(['all', `${passed}/${results.length}`, percent(results.length ? passed / results.length : 0)]);
  const hats = passHat(results, repeat).map((share, index) => `pass^${index + 1} ${percent(share)}`);
  return `${render([['FAMILY', 'PASSED', 'RATE'], ...rows])}\n\n${hats.join('   ')}`;
}

/** One updating line on a terminal; one line per finished case elsewhere (CI logs). */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stdout) {
  let done = 0;
  return {
    started(label: string) {
      if (stream.isTTY) stream.write(`\r\x1b[K[${done + 1}/${total}] ${label} …`);
    },
    /** On a terminal only failures stay on screen; the table at the end lists everything. */
    finished(label: string, passed: boolean, latencyMs: number) {
      done += 1;
      const line = `[${done}/${total}] ${passed ? 'PASS' : 'FAIL'} ${label} (${seconds(latencyMs)})`;
      if (!stream.isTTY) stream.write(`${line}\n`);
      else stream.write(passed ? '\r\x1b[K' : `\r\x1b[K${line}\n`);
    },
    note(message: string) {
      stream.write(`${stream.isTTY ? '\r\x1b[K' : ''}${message}\n`);
    },
  };
}
