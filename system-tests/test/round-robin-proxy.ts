import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

async function bodyOf(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

/**
 * A load balancer in front of several replicas: each request to the next one in turn. Like a real one, it
 * skips a replica that refuses the connection (dead), but a replica that dies mid-request costs that request a 502.
 */
export async function startRoundRobinProxy(upstreams: string[]) {
  let next = 0;
  /** Which upstream (index) served each request, in order. */
  const served: number[] = [];
  const server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    for (let tries = 0; tries < upstreams.length; tries++) {
      const index = next++ % upstreams.length;
      try {
        const upstream = await fetch(`${upstreams[index]}${request.url}`, { method: request.method, headers, body });
        const payload = Buffer.from(await upstream.arrayBuffer());
        served.push(index);
        response.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
        });
        response.end(payload);
        return;
      } catch (error) {
        const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
        if (!refused) break;
      }
    }
    response
      .writeHead(502, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: 'the replica went away' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
