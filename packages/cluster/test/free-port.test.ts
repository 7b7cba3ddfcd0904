import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort, freePorts, onFreePort } from '../src/index.js';

test('freePort gives a loopback port a server can then listen on', async () => {
  const port = await freePort();
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
  const server = createServer().listen(port, '127.0.0.1');
  await once(server, 'listening');
  assert.equal((server.address() as { port: number }).port, port);
  await new Promise((resolve) => server.close(resolve));
});

test('no port is given twice, in one set or one by one, as the system would give a port just released', async () => {
  const together = await freePorts(300);
  const oneByOne = await Promise.all(Array.from({ length: 300 }, () => freePort()));
  assert.equal(together.length, 300);
  assert.equal(new Set([...together, ...oneByOne]).size, 600);
});

test('onFreePort starts again on another port when the one picked was taken meanwhile, and only then', async () => {
  const tried: number[] = [];
  const started = await onFreePort(async (port) => {
    tried.push(port);
    if (tried.length < 3) throw new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    return port;
  });
  assert.equal(started, tried[2]);
  assert.equal(new Set(tried).size, 3, 'each attempt on a port of its own');

  let calls = 0;
  const failing = async () => {
    calls++;
    throw new Error('the database is unreachable');
  };
  await assert.rejects(onFreePort(failing), /database is unreachable/);
  assert.equal(calls, 1, 'any other failure is not tried again');
  await assert.rejects(
    onFreePort(async (port) => {
      throw new Error(`listen EADDRINUSE 127.0.0.1:${port}`);
    }),
    /EADDRINUSE/,
  );
});
