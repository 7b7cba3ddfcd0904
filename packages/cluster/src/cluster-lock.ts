import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRunning } from './processes.js';

/** One local cluster at a time: returns the pid of the running one instead of taking the lock. */
export function acquireClusterLock(path: string): { heldBy: number } | { release: () => void } {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    if (pid && pid !== process.pid && isRunning(pid)) return { heldBy: pid };
  } catch {
    // No lock file: nobody holds it.
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, String(process.pid));
  return { release: () => rmSync(path, { force: true }) };
}
