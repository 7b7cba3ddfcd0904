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

/** This process's environment without what marks it as a test file: a runner started with it would run nothing. */
const runnerEnvironment = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_TEST')));

test(
  'Ctrl-C on `pnpm test` still stops what the tests left running, then ends the run',
  { timeout: 120_000 },
  async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ctrl-c-'));
    const leftProcessFile = join(folder, 'pid');
    // `pnpm test`'s runner in a process group of its own, as a terminal's foreground job is: Ctrl-C signals the group.
    const runner = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'packages/testing/src/run-tests.ts',
        'packages/testing/test/fixtures/leaves-a-process.ts',
      ],
      {
        cwd: workspaceRoot(),
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...runnerEnvironment(), DATABASE_URL: '', LEFT_PROCESS_FILE: leftProcessFile },
      },
    );
    let output = '';
    for (const stream of [runner.stdout, runner.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
    const exited = once(runner, 'exit');
    let left: number | undefined;
    try {
      while (!existsSync(leftProcessFile) || !readFileSync(leftProcessFile, 'utf8')) {
        assert.equal(runner.exitCode, null, output);
        await sleep(100);
      }
      left = Number(readFileSync(leftProcessFile, 'utf8'));
      assert.ok(isRunning(left));

      process.kill(-runner.pid!, 'SIGINT');
      const [code] = await exited;
      assert.notEqual(code, 0);
      assert.match(output, new RegExp(`left 1 processes running \\(${left}\\)`));
      for (let waited = 0; isRunning(left); waited += 50) {
        assert.ok(waited < 5_000, `process ${left} still running`);
        await sleep(50);
      }
    } finally {
      if (left && isRunning(left)) process.kill(left, 'SIGKILL');
      if (runner.exitCode === null) process.kill(-runner.pid!, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  },
);

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
    const leftProcessFile = join(folder, 'pid');
    const pnpm = spawn('pnpm', ['test', 'packages/testing/test/fixtures/leaves-a-process.ts'], {
      cwd: workspaceRoot(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...runnerEnvironment(), DATABASE_URL: '', LEFT_PROCESS_FILE: leftProcessFile },
    });
    let output = '';
    for (const stream of [pnpm.stdout, pnpm.stderr]) stream.on('data', (chunk: Buffer) => (output += chunk));
    let run: number[] = [];
    try {
      while (!existsSync(leftProcessFile) || !readFileSync(leftProcessFile, 'utf8')) {
        assert.equal(pnpm.exitCode, null, output);
        await sleep(100);
      }
      run = processTree(pnpm.pid!);
      assert.ok(
        run.some((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')),
        'the run has its PostgreSQL',
      );

      process.kill(pnpm.pid!, 'SIGTERM');
      for (let waited = 0; run.some(isRunning); waited += 100) {
        assert.ok(waited < 30_000, `still running 30 s after the SIGTERM: ${run.filter(isRunning)}\n${output}`);
        await sleep(100);
      }
    } finally {
      for (const pid of run.filter(isRunning)) process.kill(pid, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  },
);
