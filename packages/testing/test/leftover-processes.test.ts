import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
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
