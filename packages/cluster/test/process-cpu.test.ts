import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { clusterCpuSecondsByPart } from '../src/process-memory.js';

// Busy for about 300 ms of CPU, then idle until killed; the trailing argument names it like the order service.
const busyThenIdle = `const end = Date.now() + 300; while (Date.now() < end); console.log('busy done'); setInterval(() => {}, 1000);`;

test('CPU time is counted per part of the cluster: each service by its path, the rest as the launcher', async () => {
  const child = spawn(process.execPath, ['-e', busyThenIdle, 'services/order/dist/src/server.js'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await once(child.stdout, 'data');
    const seconds = clusterCpuSecondsByPart(process.pid);
    assert.ok(seconds.order! >= 0.2, `the child's busy loop counts for the order service: ${JSON.stringify(seconds)}`);
    assert.ok(seconds.launcher! > 0, 'this test process, which started it, counts as the launcher');
  } finally {
    child.kill();
  }
});

// Spawns a child that is busy for about 300 ms of CPU and exits, reaps it, then idles until killed.
const reapsBusyChild = `
const { spawnSync } = require('node:child_process');
spawnSync(process.execPath, ['-e', 'const end = Date.now() + 300; while (Date.now() < end);']);
console.log('child reaped'); setInterval(() => {}, 1000);`;

test("a process that exited counts with its parent's part once reaped, as a closed PostgreSQL connection does", async () => {
  const parent = spawn(process.execPath, ['-e', reapsBusyChild, 'services/payment/dist/src/server.js'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await once(parent.stdout, 'data');
    const seconds = clusterCpuSecondsByPart(process.pid);
    assert.ok(
      seconds.payment! >= 0.2,
      `the exited child's busy loop counts for the payment part: ${JSON.stringify(seconds)}`,
    );
  } finally {
    parent.kill();
  }
});
