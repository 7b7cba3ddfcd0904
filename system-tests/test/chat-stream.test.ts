import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { buildApp } from '@ecomm/orchestrator-service/app';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { beforeTests, ScriptedChatModel, startTestService, useTestDatabase } from '@ecomm/testing';
import { useAgentShop, type AgentShop } from './agent-harness.js';

// /chat/stream at the HTTP level: the UI message stream protocol v1 (server-sent events) of the Vercel AI SDK.

type Part = { type: string } & Record<string, unknown>;

const database = useTestDatabase();
const shop = useAgentShop({}, {}, database);
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeTests(async () => {
  products = await shop.resetCatalog();
});

function send(url: string, shopper: { token: string; sessionId: string }, message: string, signal?: AbortSignal) {
  return fetch(`${url}/chat/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: shopper.sessionId, message }),
    ...(signal ? { signal } : {}),
  });
}

/** The events' data lines in order; keep-alive comments are not data. The last one must be [DONE]. */
async function readEvents(response: Response) {
  const text = await response.text();
  const data = text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
  return { data, parts: data.filter((line) => line !== '[DONE]').map((line) => JSON.parse(line) as Part) };
}

async function stream(url: string, shopper: { token: string; sessionId: string }, message: string) {
  const response = await send(url, shopper, message);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-vercel-ai-ui-message-stream'), 'v1');
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = await readEvents(response);
  assert.equal(events.data.at(-1), '[DONE]', 'the stream ends with [DONE]');
  assert.equal(events.parts[0]?.type, 'start');
  assert.equal(events.parts.at(-1)?.type, 'finish');
  return events.parts;
}

const indexOf = (parts: Part[], match: (part: Part) => boolean) => parts.findIndex(match);

async function orchestratorWith(model: ScriptedChatModel, environment: Record<string, string> = {}) {
  const serviceUrls = Object.fromEntries(
    (['product', 'order', 'payment', 'session'] as const).map((name) => [
      `${name.toUpperCase()}_SERVICE_URL`,
      shop.urls[name],
    ]),
  );
  return startTestService(
    { ...orchestratorService, buildApp: (config) => buildApp(config, { chatModel: model }) },
    database,
    {
      ...serviceUrls,
      CHAT_STREAM_HEARTBEAT_MS: '100',
      ...environment,
    },
  );
}

describe('POST /chat/stream', () => {
  test('a purchase streams each tool call before its result, the receipt as a data part, then the words', async () => {
    const shopper = await shop.newShopper();
    const parts = await stream(shop.urls.orchestrator, shopper, 'Find a MacBook Pro and buy 1 unit.');
    const input = indexOf(parts, (part) => part.type === 'tool-input-available' && part.toolName === 'checkout');
    assert.ok(input > 0, 'the checkout call is announced');
    const callId = parts[input]!.toolCallId;
    const output = indexOf(parts, (part) => part.type === 'tool-output-available' && part.toolCallId === callId);
    assert.ok(output > input, 'its result comes after it');
    const receipt = parts.find((part) => part.type === 'data-receipt')!.data as {
      order_id: string;
      transaction_id: string;
      total_paid: number;
    };
    assert.equal(receipt.total_paid, 2000);
    assert.ok(indexOf(parts, (part) => part.type === 'data-receipt') > output);

    const textStart = indexOf(parts, (part) => part.type === 'text-start');
    const deltas = parts.filter((part) => part.type === 'text-delta');
    assert.ok(textStart > output && deltas.length > 1, 'the offline model streams its reply word by word');
    assert.ok(
      indexOf(parts, (part) => part.type === 'text-end') > indexOf(parts, (part) => part.type === 'text-delta'),
    );
    assert.match(deltas.map((part) => part.delta).join(''), /MacBook Pro/);

    const [order] = await shop.orders(shopper.userId);
    assert.equal(order?.order_id, receipt.order_id);
    assert.equal(order?.status, 'paid');
  });

  test('the confirmation question is text plus a data part with the total; "yes" then pays', async () => {
    const shopper = await shop.newShopper();
    const orchestrator = await startTestService(orchestratorService, database, {
      ...Object.fromEntries(
        (['product', 'order', 'payment', 'session'] as const).map((name) => [
          `${name.toUpperCase()}_SERVICE_URL`,
          shop.urls[name],
        ]),
      ),
      LLM_PROVIDER: 'offline',
      CHECKOUT_CONFIRMATION: 'required',
    });
    try {
      const asked = await stream(orchestrator.url, shopper, 'Buy 1 Keychain.');
      const confirmation = asked.find((part) => part.type === 'data-confirmation')!.data as {
        question: string;
        total: number;
      };
      assert.equal(confirmation.total, 2);
      assert.match(confirmation.question, /\$2\.00/);
      assert.equal(
        asked.some((part) => part.type === 'data-receipt'),
        false,
      );
      const paid = await stream(orchestrator.url, shopper, 'yes');
      assert.ok(paid.some((part) => part.type === 'data-receipt'));
    } finally {
      await orchestrator.app.close();
    }
  });

  test('the orders agent speaks on the stream too: its list, its question, and the cancellation done', async () => {
    const shopper = await shop.newShopper();
    await stream(shop.urls.orchestrator, shopper, 'Find a MacBook Pro and buy 1 unit.');
    const [order] = await shop.orders(shopper.userId);
    const words = (parts: Part[]) =>
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.delta)
        .join('');

    assert.match(words(await stream(shop.urls.orchestrator, shopper, 'show my orders')), new RegExp(order!.order_id));
    assert.match(words(await stream(shop.urls.orchestrator, shopper, 'cancel my last order')), /Reply "yes"/);
    const cancelled = words(await stream(shop.urls.orchestrator, shopper, 'yes'));
    assert.equal(cancelled, `Order ${order!.order_id} is cancelled; $2,000.00 is refunded.`);
    assert.doesNotMatch(cancelled, /couldn't work that out/);
  });

  test('a second message while the first streams gets an ordinary 409; a missing token a 401', async () => {
    const model = new ScriptedChatModel([[{ call: 'transfer_to_sales' }], [{ say: 'Hello!' }]], 400);
    const orchestrator = await orchestratorWith(model);
    try {
      const shopper = await shop.newShopper();
      const responses = await Promise.all([
        send(orchestrator.url, shopper, 'hello'),
        send(orchestrator.url, shopper, 'hello'),
      ]);
      assert.deepEqual(responses.map((response) => response.status).sort(), [200, 409]);
      const refused = responses.find((response) => response.status === 409)!;
      assert.match(((await refused.json()) as { message: string }).message, /Still answering your previous message/);
      const streamed = await readEvents(responses.find((response) => response.status === 200)!);
      assert.equal(
        streamed.parts
          .filter((part) => part.type === 'text-delta')
          .map((part) => part.delta)
          .join(''),
        'Hello!',
      );
      const anonymous = await fetch(`${orchestrator.url}/chat/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(anonymous.status, 401);
    } finally {
      await orchestrator.app.close();
    }
  });

  test('a failure is an error part a shopper can read, and the stream still ends with [DONE]', async () => {
    const model = new ScriptedChatModel([]);
    const orchestrator = await orchestratorWith(model);
    try {
      const response = await send(orchestrator.url, await shop.newShopper(), 'hello');
      const { data, parts } = await readEvents(response);
      const error = parts.find((part) => part.type === 'error');
      assert.match(String(error?.errorText), /Something went wrong/);
      assert.doesNotMatch(String(error?.errorText), /script/);
      assert.equal(data.at(-1), '[DONE]');
    } finally {
      await orchestrator.app.close();
    }
  });

  test('a client that disconnects once the checkout has started does not cancel it; heartbeats keep the line alive', async () => {
    const keychain = products['Keychain']!.id;
    const model = new ScriptedChatModel(
      [
        [{ call: 'transfer_to_sales' }],
        [{ call: 'add_to_cart', args: { product_id: keychain, quantity: 1 } }, { call: 'transfer_to_checkout' }],
        [{ call: 'checkout' }],
        [{ say: 'Paid.' }],
      ],
      300,
    );
    const orchestrator = await orchestratorWith(model);
    try {
      const shopper = await shop.newShopper();
      const abort = new AbortController();
      const response = await send(orchestrator.url, shopper, 'buy a keychain', abort.signal);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let seen = '';
      while (!/"toolName":"checkout"/.test(seen)) {
        const { value, done } = await reader.read();
        assert.equal(done, false, 'the stream announced the checkout before ending');
        seen += value;
      }
      assert.match(seen, /: keep-alive/, 'keep-alive comments are sent while the model and tools work');
      abort.abort();

      let orders = await shop.orders(shopper.userId);
      for (let attempt = 0; attempt < 100 && (orders[0]?.status !== 'paid' || model.calls.length < 4); attempt++) {
        await sleep(100);
        orders = await shop.orders(shopper.userId);
      }
      assert.equal(orders[0]?.status, 'paid', 'the checkout ran to its end without the client');
      assert.equal(model.calls.length, 4, 'the turn finished, reply included');
    } finally {
      await orchestrator.app.close();
    }
  });
});
