import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { waitUntilReady } from '../src/launch.js';
import { anotherProcessListensOn } from '../src/port-owner.js';

async function answeringServer() {
  const server = createServer((_request, reply) => reply.end('ok')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** A child that answers 200 on `port`, or exits with code 1 (EADDRINUSE) if that port is taken. */
const serviceOn = (port: number) =>
  spawn(process.execPath, [
    '-e',
    `require('node:http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`,
  ]);

test('anotherProcessListensOn tells a port held by another process from one held by this process or by nobody', async (context) => {
  const { server, port } = await answeringServer();
  assert.equal(await anotherProcessListensOn(process.pid, port), false);

  const child = serviceOn(0);
  context.after(() => child.kill());
  assert.equal(
    await anotherProcessListensOn(child.pid!, port),
    true,
    'this process holds the port the child was given',
  );
  server.close();
  await once(server, 'close');
  assert.equal(await anotherProcessListensOn(child.pid!, port), false, 'nobody listens once the server is closed');
});

test('a service whose port another process answers on is not ready: it fails, and waitUntilReady says so', async (context) => {
  const { server, port } = await answeringServer();
  context.after(() => server.close());
  const child = serviceOn(port);
  context.after(() => child.kill());

  await assert.rejects(waitUntilReady(`http://127.0.0.1:${port}/ready`, child, 30_000), /exited with code 1/);
});

test('a service listening on its port is ready', async (context) => {
  const { server, port } = await answeringServer();
  server.close();
  await once(server, 'close');
  const child = serviceOn(port);
  context.after(() => child.kill());

  await waitUntilReady(`http://127.0.0.1:${port}/ready`, child, 30_000);
  assert.equal(child.exitCode, null);
});

test('a service killed by a signal before it was ready fails at once, not at the deadline', async (context) => {
  // Another process answers on its port: the child can never be the one listening there.
  const { server, port } = await answeringServer();
  context.after(() => server.close());
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
  context.after(() => child.kill());
  child.kill('SIGKILL');
  await once(child, 'exit');

  const started = Date.now();
  await assert.rejects(waitUntilReady(`http://127.0.0.1:${port}/ready`, child, 5_000), /SIGKILL before it was ready/);
  assert.ok(Date.now() - started < 2_000, `it failed after ${Date.now() - started} ms`);
});
