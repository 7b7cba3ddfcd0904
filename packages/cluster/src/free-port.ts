import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

/** Every port this process was given: each goes to one caller, who may take seconds to start listening on it. */
const givenOut = new Set<number>();

async function listening() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const portOf = (server: Server) => (server.address() as { port: number }).port;

/**
 * `count` distinct loopback ports nothing listens on right now, found by letting the system pick them and releasing
 * them. The system may hand a port just released out again (about one set of six in 500, picked one at a time), and
 * two services started together, or two processes spawned at once, would be given the same one: each port is held
 * until all are found, and no port is given twice by this process.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = await listening();
      held.push(server);
      if (givenOut.has(portOf(server))) continue;
      givenOut.add(portOf(server));
      ports.push(portOf(server));
    }
    return ports;
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** A loopback port nothing listens on right now, and none this process gave out before. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/**
 * `start(port)` on a free port. Another process can take a port picked free before the service it was picked for
 * listens on it; a start that then fails with EADDRINUSE is tried again on another port, `attempts` times in all.
 */
export async function onFreePort<Started>(start: (port: number) => Promise<Started>, attempts = 3): Promise<Started> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts || !/EADDRINUSE/.test(String((error as Error).message))) throw error;
    }
  }
}
