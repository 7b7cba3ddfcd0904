import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { freePort, freePorts } from '../src/index.js';

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
