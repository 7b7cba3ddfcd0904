import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { workspaceRoot } from '@ecomm/cluster';
import { processesMarked, stopLeftoverProcesses, testRunVariable } from '../src/leftover-processes.js';
import { testEnvironment } from '../src/service-harness.js';

const sleeper = (environment: Record<string, string>) =>
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env: environment, stdio: 'ignore' });

test('a process the test run started and left is found by its mark and stopped; others are left alone', async () => {
  const runId = randomUUID();
  const left = sleeper({ [testRunVariable]: runId });
  const unrelated = sleeper({ [testRunVariable]: `${runId}-other` });
  const leftExited = once(left, 'exit');
  try {
    await Promise.all([once(left, 'spawn'), once(unrelated, 'spawn')]);
    assert.deepEqual(processesMarked(testRunVariable, runId), [left.pid]);

    const said: string[] = [];
    assert.deepEqual(
      stopLeftoverProcesses(runId, (line) => said.push(line)),
      [left.pid],
    );
    const [, signal] = await leftExited;
    assert.equal(signal, 'SIGKILL');
    assert.match(said.join('\n'), new RegExp(`left 1 processes running \\(${left.pid}\\)`));
    assert.equal(unrelated.exitCode, null, 'a process of another run keeps running');
    assert.deepEqual(processesMarked(testRunVariable, runId), []);
  } finally {
    left.kill('SIGKILL');
    unrelated.kill('SIGKILL');
  }
});

test('the services a test starts carry the run’s mark, so none outlives the run', () => {
  const saved = process.env[testRunVariable];
  process.env[testRunVariable] = 'run-42';
  try {
    assert.equal(testEnvironment({ PORT: '1' })[testRunVariable], 'run-42');
  } finally {
    if (saved === undefined) delete process.env[testRunVariable];
    else process.env[testRunVariable] = saved;
  }
});

/** Whether the process exists and is no zombie (one killed but not yet reaped has stopped all the same). */
const isRunning = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/**
 * A test run of the fixture that leaves a process, started as `command args` in a process group of its own (as a
 * terminal's foreground job is), on its own embedded PostgreSQL. Without the variables that mark this process as a
 * test file: a runner started with them would run nothing.
 */
function runLeavingAProcess(folder: string, command: string, args: string[]) {
  const leftProcessFile = join(folder, 'pid');
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_TEST')));
  const child = spawn(command, [...args, 'packages/testing/test/fixtures/leaves-a-process.ts'], {
    cwd: workspaceRoot(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...environment, DATABASE_URL: '', LEFT_PROCESS_FILE: leftProcessFile },
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
  return {
    child,
    exited: once(child, 'exit'),
    output: () => output,
    /** The pid of the process the fixture left, once it has started it. */
    async leftProcess() {
      while (!existsSync(leftProcessFile) || !readFileSync(leftProcessFile, 'utf8')) {
        assert.equal(child.exitCode, null, output);
        await sleep(100);
      }
      return Number(readFileSync(leftProcessFile, 'utf8'));
    },
  };
}

test(
  'Ctrl-C on `pnpm test` still stops what the tests left running, then ends the run',
  { timeout: 120_000 },
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ctrl-c-'));
    const run = runLeavingAProcess(folder, process.execPath, [
      '--conditions=source',
      '--import',
      'tsx',
      'packages/testing/src/run-tests.ts',
    ]);
    let left: number | undefined;
    try {
      left = await run.leftProcess();
      assert.ok(isRunning(left));

      // Ctrl-C signals the foreground group: the runner and its tests, not the process left in a group of its own.
      process.kill(-run.child.pid!, 'SIGINT');
      const [code] = await run.exited;
      assert.notEqual(code, 0);
      assert.match(run.output(), new RegExp(`left 1 processes running \\(${left}\\)`));
      for (let waited = 0; isRunning(left); waited += 50) {
        assert.ok(waited < 5_000, `process ${left} still running`);
        await sleep(50);
      }
    } finally {
      if (left && isRunning(left)) process.kill(left, 'SIGKILL');
      if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  },
);

/** A process's command line; empty once it is gone (it may exit between being listed and being read). */
function commandLineOf(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** The processes descended from `pid`, read from /proc (it included). */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const [, parent] = /^\d+ \(.*\) \S+ (\d+)/.exec(readFileSync(`/proc/${entry}/stat`, 'utf8'))!;
      parents.set(Number(entry), Number(parent));
    } catch {
      // Ended while listed.
    }
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) {
    for (const [child, parent] of parents) if (parent === tree[index]) tree.push(child);
  }
  return tree;
}

test(
  'a SIGTERM to `pnpm test` alone (a CI job timing out) ends the run: its tests, their processes, its PostgreSQL',
  { timeout: 120_000 },
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sigterm-'));
    const pnpm = runLeavingAProcess(folder, 'pnpm', ['test']);
    let run: number[] = [];
    try {
      await pnpm.leftProcess();
      run = processTree(pnpm.child.pid!);
      assert.ok(
        run.some((pid) => commandLineOf(pid).includes('postgres')),
        'the run has its PostgreSQL',
      );

      process.kill(pnpm.child.pid!, 'SIGTERM');
      for (let waited = 0; run.some(isRunning); waited += 100) {
        assert.ok(waited < 30_000, `still running 30 s after the SIGTERM: ${run.filter(isRunning)}\n${pnpm.output()}`);
        await sleep(100);
      }
    } finally {
      for (const pid of run.filter(isRunning)) process.kill(pid, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  },
);
