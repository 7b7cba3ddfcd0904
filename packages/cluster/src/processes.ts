import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Linux only: /proc tells a zombie (exited, not yet reaped by its parent) from a running process. */
function procStat(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

export function isRunning(pid: number) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // The state follows the command's name, in parentheses that the name itself may contain.
  const state = procStat(pid)?.split(') ').at(-1)?.[0];
  return state !== 'Z';
}

/**
 * Whether `pid` runs a command line containing `fragment`: a pid written down by an earlier launcher may since have
 * been given to another program. Where there is no /proc (macOS), a running pid is taken at its word.
 */
export function runsCommand(pid: number, fragment: string) {
  if (!isRunning(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(fragment);
  } catch {
    return true;
  }
}

/** Signals a process that is not our child (or whose child object is out of reach) and waits until it is gone. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, timeoutMs = 10_000) {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      // SIGKILL cannot be refused; a last short wait for the kernel (and the parent reaping it).
      for (let tries = 0; tries < 20 && isRunning(pid); tries += 1) await sleep(50);
      return;
    }
    await sleep(50);
  }
}
