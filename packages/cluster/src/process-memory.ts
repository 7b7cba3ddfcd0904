import { readdirSync, readFileSync } from 'node:fs';
import { procStat } from './processes.js';

interface ProcessInfo {
  pid: number;
  parent: number;
  name: string;
  startTicks: number;
  cpuTicks: number;
}

// Linux's USER_HZ: /proc/<pid>/stat counts start times in these ticks on every mainstream architecture.
const ticksPerSecond = 100;

function processInfo(pid: number): ProcessInfo | undefined {
  const stat = procStat(pid);
  if (!stat) return undefined;
  const { name, fields } = stat;
  return {
    pid,
    name,
    parent: Number(fields[1]),
    // Its own time, and that of the children it has waited for: a closed PostgreSQL connection's backend is gone from
    // the list, but the postmaster reaped it, so its CPU stays in the postmaster's count.
    cpuTicks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
    startTicks: Number(fields[19]),
  };
}

function commandLine(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Proportional set size in bytes: shared pages split between the processes sharing them, so sums are honest. */
function pssBytes(pid: number) {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * The processes of a cluster whose launcher has the given pid: the `pnpm start` (and its shell) above the launcher,
 * the launcher, and everything below it (the services, PostgreSQL and its backends).
 */
function clusterProcesses(launcherPid: number): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => processInfo(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
  const byPid = new Map(all.map((info) => [info.pid, info]));
  const isPnpm = (info: ProcessInfo | undefined) => info !== undefined && /\bpnpm\b/.test(commandLine(info.pid));
  let top = byPid.get(launcherPid);
  if (!top) return [];
  // pnpm runs a script through `sh -c`: the launcher's parent is that shell, whose parent is pnpm.
  const shell = byPid.get(top.parent);
  if (shell?.name === 'sh' && isPnpm(byPid.get(shell.parent))) top = byPid.get(shell.parent)!;
  else if (isPnpm(shell)) top = shell!;
  const members = [top];
  for (let index = 0; index < members.length; index++) {
    members.push(...all.filter((info) => info.parent === members[index]!.pid));
  }
  return members;
}

export interface ClusterMemory {
  processes: number;
  pssBytes: number;
  byProcess: { pid: number; command: string; pssBytes: number }[];
}

export function clusterMemory(launcherPid: number): ClusterMemory {
  const byProcess = clusterProcesses(launcherPid).map(({ pid }) => ({
    pid,
    command: commandLine(pid).slice(0, 120),
    pssBytes: pssBytes(pid),
  }));
  return {
    processes: byProcess.length,
    pssBytes: byProcess.reduce((sum, entry) => sum + entry.pssBytes, 0),
    byProcess,
  };
}

/** Which part of the cluster a process is: its service, PostgreSQL (the server and its backends), or the launcher. */
function clusterPart(info: ProcessInfo) {
  if (info.name.startsWith('postgres')) return 'postgresql';
  return /\bservices\/([a-z]+)\//.exec(commandLine(info.pid))?.[1] ?? 'launcher';
}

/**
 * CPU time each part of the cluster has used so far, in seconds. The difference across a run is what the run cost,
 * which a shared machine disturbs far less than it does wall-clock latency. A process that exited meanwhile counts
 * with the part of its parent once the parent has reaped it.
 */
export function clusterCpuSecondsByPart(launcherPid: number): Record<string, number> {
  const seconds: Record<string, number> = {};
  for (const info of clusterProcesses(launcherPid)) {
    const part = clusterPart(info);
    seconds[part] = (seconds[part] ?? 0) + info.cpuTicks / ticksPerSecond;
  }
  return seconds;
}

/** When the cluster's first process (`pnpm start` itself, when it was started that way) began, in ms since the epoch. */
export function clusterStartedAt(launcherPid: number) {
  const first = clusterProcesses(launcherPid)[0];
  if (!first) return undefined;
  // Seconds since boot, to the hundredth (the boot time in /proc/stat is whole seconds only).
  const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - (uptimeSeconds - first.startTicks / ticksPerSecond) * 1000;
}
