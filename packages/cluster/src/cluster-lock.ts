import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One local cluster at a time: returns the pid of the running one instead of taking the lock. */
export function acquireClusterLock(path: string): { heldBy: number } | { release: () => void } {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) return { heldBy: pid };
  } catch {
    // No lock file: nobody holds it.
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, String(process.pid));
  return { release: () => rmSync(path, { force: true }) };
}
