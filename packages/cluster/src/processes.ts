import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A process's /proc/<pid>/stat (Linux only): its command's name, and the fields after it from its state on (`fields[0]`
 * the state, `[1]` the parent, `[2]` the process group...); undefined when it is gone or there is no /proc.
 */
export function procStat(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may itself hold spaces or parentheses: the fields follow the last ")".
    const close = stat.lastIndexOf(')');
    return { name: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
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
  // A zombie has exited; only its parent has yet to reap it.
  return procStat(pid)?.fields[0] !== 'Z';
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

/**
 * Settles as `work` does, or rejects with the signal's reason as soon as it aborts (at once if it has), after calling
 * `onAbort`: for work a stop must not wait for, such as a connection to a server that never answers.
 */
export function abandonedAtAbort<Result>(work: Promise<Result>, signal: AbortSignal | undefined, onAbort = () => {}) {
  if (!signal) return work;
  return new Promise<Result>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason as Error);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
