import { readdirSync, readFileSync } from 'node:fs';

/** The variable a test run gives every process it starts, children of children included: its own value. */
export const testRunVariable = 'ECOMM_TEST_RUN';

/**
 * The processes, other than this one, whose environment holds `name=value`: what a test run started and left running,
 * a service spawned by a test file whose after-hook never ran (the file timed out, or was killed). Linux's /proc only;
 * elsewhere none are found.
 */
export function processesMarked(name: string, value: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const marker = `${name}=${value}`;
  return entries
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        // Gone meanwhile, or another user's.
        return false;
      }
    })
    .map(Number);
}

/** Kills what the test run `runId` left running, and says so: a test that leaks processes is a test to fix. */
export function stopLeftoverProcesses(runId: string, log: (line: string) => void = console.error) {
  const leftovers = processesMarked(testRunVariable, runId);
  if (leftovers.length === 0) return leftovers;
  log(`The tests left ${leftovers.length} processes running (${leftovers.join(', ')}): stopping them.`);
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  return leftovers;
}
