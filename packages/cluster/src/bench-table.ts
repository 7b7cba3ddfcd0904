import type { BenchReport } from './bench.js';

const ms = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '—' : `${value.toFixed(0)} ms`);
const mb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1e6).toFixed(0)} MB`);
const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : 'not met');

/** The issue's table, measured: each figure, its target, and whether this run met it. */
export function printTable(report: BenchReport) {
  const { checkoutLoad, pgbench, oneUserCheckout, chat, freshCluster: fresh, memory, startupSeconds } = report;
  const share = pgbench ? pgbench.tps / checkoutLoad.throughput : undefined;
  const rows: [string, string, string, string][] = [
    [
      `checkout throughput, ${checkoutLoad.users} users, ${checkoutLoad.seconds.toFixed(0)} s (after ${checkoutLoad.rampUp.seconds.toFixed(0)} s of ramp-up)`,
      `${checkoutLoad.throughput.toFixed(1)} checkouts/s${share ? ` (= pgbench / ${share.toFixed(0)})` : ''}; ` +
        `ramp-up ${checkoutLoad.rampUp.throughput.toFixed(1)}/s`,
      '≥ pgbench / 15',
      verdict(share === undefined ? undefined : share <= 15),
    ],
    [
      pgbench
        ? `pgbench TPC-B, ${pgbench.clients} clients, scale ${pgbench.scale}, same PostgreSQL`
        : 'pgbench TPC-B (skipped)',
      pgbench ? `${pgbench.tps.toFixed(0)} TPS` : '—',
      '(the yardstick)',
      '',
    ],
    [
      `checkout latency at ${checkoutLoad.users} users`,
      `p50 ${ms(checkoutLoad.latency.p50)}, p99 ${ms(checkoutLoad.latency.p99)}`,
      'p99 < 250 ms',
      verdict(checkoutLoad.latency.p99 < 250),
    ],
    [
      'one checkout, one user (warm; just started)',
      `p50 ${ms(oneUserCheckout.p50)}; ${ms(fresh.oneUserCheckout.p50)}`,
      'p50 < 40 ms',
      verdict(oneUserCheckout.p50 < 40),
    ],
    [
      'cluster CPU time per checkout (1 user warm / loaded)',
      `${ms(oneUserCheckout.cpuMsPerCheckout.all)} / ${ms(checkoutLoad.cpuMsPerCheckout.all)}`,
      '(steadier than latency on a shared machine)',
      '',
    ],
    [
      '/chat "show me products", offline model (warm; just started)',
      `p50 ${ms(chat.browse.p50)} (CPU ${ms(chat.browse.cpuMs)}); ${ms(fresh.chat.browse.p50)}`,
      'p50 < 30 ms',
      verdict(chat.browse.p50 < 30),
    ],
    [
      '/chat "buy 1 X" (search, add, checkout) (warm; just started)',
      `p50 ${ms(chat.buy.p50)} (CPU ${ms(chat.buy.cpuMs)}); ${ms(fresh.chat.buy.p50)}`,
      'p50 < 80 ms',
      verdict(chat.buy.p50 < 80),
    ],
    [
      `whole cluster idle, PSS of ${memory.idle?.processes ?? '?'} processes${memory.justStarted ? ' (just started)' : ''}`,
      `${mb(memory.idle?.pssBytes)}${memory.justStarted ? `; ${mb(memory.justStarted.pssBytes)}, ${memory.justStarted.processes} processes` : ''}`,
      '< 500 MB',
      verdict(memory.idle && memory.idle.pssBytes < 500e6),
    ],
    [
      'pnpm start to all ready (this start)',
      startupSeconds === undefined ? '—' : `${startupSeconds.toFixed(1)} s`,
      '< 15 s fresh / < 6 s warm',
      '',
    ],
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length), 6));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n${line(['figure', 'measured', 'target', ''])}`);
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
  const byPart = Object.entries(checkoutLoad.cpuMsPerCheckout.byPart);
  const { benchUsers } = checkoutLoad.cpuMsPerCheckout;
  console.log(
    `\nWhere a loaded checkout's CPU goes: ${byPart.map(([part, cpu]) => `${part} ${ms(cpu)}`).join(', ')}` +
      `${benchUsers === undefined ? '' : `; and the bench's own users, on the same cores: ${ms(benchUsers)}`}.`,
  );
  console.log(
    `\nInvariant: ${report.invariant.ok ? 'OK' : 'BROKEN'}. Memory after the load: ${mb(memory.afterLoad?.pssBytes)}.`,
  );
}
