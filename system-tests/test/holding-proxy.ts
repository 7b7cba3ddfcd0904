import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

async function bodyOf(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A pass-through HTTP proxy in front of one service that can hold back the answer to one request: the request
 * reaches the service (its effect happens), the caller hears nothing until `release()`. Armed with `beforeUpstream`,
 * it holds the request itself instead: its effect happens only on `release()` (a packet delayed in the network).
 */
export async function startHoldingProxy(target: string) {
  let armed: ((request: IncomingMessage) => boolean) | undefined;
  let holdBeforeUpstream = false;
  let markHeld = () => {};
  let release = () => {};
  const server = createServer((request, reply) => {
    void (async () => {
      const body = await bodyOf(request);
      const hold = async () => {
        armed = undefined;
        const released = new Promise<void>((resolve) => (release = resolve));
        markHeld();
        await released;
      };
      if (holdBeforeUpstream && armed?.(request)) await hold();
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method!,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (!holdBeforeUpstream && armed?.(request)) await hold();
      reply
        .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        .end(answer);
    })().catch(() => reply.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /**
     * Holds back the answer to the next request matching; resolves once that request has been served upstream (or,
     * with `beforeUpstream`, once it has arrived, not yet forwarded).
     */
    holdNext(matches: (request: IncomingMessage) => boolean, options: { beforeUpstream?: boolean } = {}) {
      armed = matches;
      holdBeforeUpstream = options.beforeUpstream ?? false;
      return new Promise<void>((resolve) => (markHeld = resolve));
    },
    /** Lets the held request go on, and disarms a `holdNext` that held nothing. */
    release: () => {
      armed = undefined;
      release();
    },
    close: () => {
      armed = undefined;
      release();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type HoldingProxy = Awaited<ReturnType<typeof startHoldingProxy>>;

/**
 * The payment service as a sweeper reaches it: a void (of an order, or a refund calling off) answers 503 while `failing`
 * (a call timing out); everything else passes through to `target`.
 */
export async function startVoidFailingProxy(target: string) {
  const proxy = { failing: false };
  const server = createServer((request, reply) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      if (proxy.failing && /\/void$/.test(request.url ?? '')) {
        reply
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ statusCode: 503, error: 'Service Unavailable', code: 'UNAVAILABLE', message: 'down' }));
        return;
      }
      const body = Buffer.concat(chunks);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${request.url}`, {
        method: request.method!,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      reply
        .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        .end(Buffer.from(await upstream.arrayBuffer()));
    })().catch(() => reply.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** `promise`, or a failure naming `what` after `timeoutMs`: a test that waits in vain fails at once, saying for what. */
export async function within<Value>(promise: Promise<Value>, timeoutMs: number, what: string): Promise<Value> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether the request `holdNext` armed for came (true) before `answer` settled (false). Without it, a caller that
 * answers without ever sending that request would leave the test waiting until its file times out.
 */
export const heldBeforeAnswer = (held: Promise<void>, answer: Promise<unknown>, timeoutMs = 60_000) =>
  within(
    Promise.race([held.then(() => true), answer.then(() => false)]),
    timeoutMs,
    'the request to hold, or an answer',
  );

/** NODE_OPTIONS for a process whose clock runs `skewMs` ahead (Date.now and new Date()), as a badly synced host's. */
export function clockAheadOptions(skewMs: number) {
  const code =
    `const R=Date;class D extends R{constructor(...a){if(a.length===0)super(R.now()+${skewMs});else super(...a)}` +
    `static now(){return R.now()+${skewMs}}}globalThis.Date=D;`;
  return `--import=data:text/javascript,${encodeURIComponent(code)}`;
}
