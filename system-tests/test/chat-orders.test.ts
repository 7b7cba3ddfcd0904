import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { buildApp } from '@ecomm/orchestrator-service/app';
import { orchestratorService } from '@ecomm/orchestrator-service/service';
import { internalHeaders, ScriptedChatModel, startTestService, useTestDatabase } from '@ecomm/testing';
import { useAgentShop, type AgentShop } from './agent-harness.js';

// After the purchase, by chat: the order tools over real HTTP on real PostgreSQL. Every refund is asked first and
// done only on a plain yes; the user is the request's; amounts come from the order. Each test checks the database.

const database = useTestDatabase();
const shop = useAgentShop({}, {}, database);
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeEach(async () => {
  products = await shop.resetCatalog();
});

type Shopper = Awaited<ReturnType<AgentShop['newShopper']>>;
interface Payment {
  status: string;
  refunded_amount: number;
}

const id = (name: string) => products[name]!.id;

async function operator(orderId: string, step: 'ship' | 'deliver') {
  const response = await fetch(`${shop.urls.order}/${orderId}/${step}`, {
    method: 'POST',
    headers: { ...internalHeaders, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(response.status, 200, `${step}: ${await response.text()}`);
}

async function say(shopper: Shopper, message: string) {
  const { status, body } = await shop.chat(shopper, message);
  assert.equal(status, 200, `${message}: ${JSON.stringify(body)}`);
  return body;
}

/** Tool calls of a turn; a call still waiting for the shopper's answer has no result yet, so it shows as not ok. */
const trajectory = (body: { steps: { tool: string; ok: boolean }[] }) =>
  body.steps.map((step) => `${step.tool}${step.ok ? '' : ' ✗'}`);

/** `/chat` turns of `shopper` on `orchestratorUrl`, in a session of their own beside the offline model's. */
const scriptedChat = (orchestratorUrl: string, shopper: Shopper) => (message: string) =>
  fetch(`${orchestratorUrl}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${shopper.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session_id: `${shopper.sessionId}-scripted`, message }),
  }).then(
    async (response) =>
      (await response.json()) as {
        response: string;
        awaiting_confirmation: boolean;
        steps: { tool: string; ok: boolean }[];
      },
  );

async function lastOrder(shopper: Shopper) {
  const [order] = await shop.orders(shopper.userId);
  const [payment] = (await shop.payments(order!.order_id)) as unknown as Payment[];
  return { order: order as typeof order & { lines: { returned_quantity: number }[] }, payment: payment! };
}

describe('offline model', () => {
  test('"cancel my last order" states the order, items and refund, and cancels only on "yes"', async () => {
    const shopper = await shop.newShopper();
    await say(shopper, 'Buy 2 keychains');
    const { order } = await lastOrder(shopper);
    const asked = await say(shopper, 'cancel my last order');
    assert.equal(asked.awaiting_confirmation, true);
    assert.deepEqual(trajectory(asked), ['list_orders', 'cancel_order ✗']);
    assert.equal(
      asked.response,
      `I will cancel order ${order.order_id} (2 × Keychain ($4.00)) and refund $4.00. Reply "yes" to confirm.`,
    );
    assert.equal((await lastOrder(shopper)).order.status, 'paid', 'nothing happens before the answer');

    const confirmed = await say(shopper, 'yes');
    assert.equal(confirmed.awaiting_confirmation, false);
    assert.match(confirmed.response, /is cancelled; \$4\.00 is refunded/);
    const after = await lastOrder(shopper);
    assert.equal(after.order.status, 'cancelled');
    assert.deepEqual([after.payment.status, after.payment.refunded_amount], ['refunded', 4]);
    assert.equal(await shop.stock(id('Keychain')), 100);
  });

  test('"no, keep it" changes nothing', async () => {
    const shopper = await shop.newShopper();
    await say(shopper, 'Buy the Yonex racket');
    await say(shopper, 'I changed my mind, cancel it');
    const declined = await say(shopper, 'no, keep it');
    assert.match(declined.response, /was not cancelled and nothing was refunded/);
    const { order, payment } = await lastOrder(shopper);
    assert.deepEqual([order.status, payment.status, payment.refunded_amount], ['paid', 'captured', 0]);
    assert.equal(await shop.stock(id('Yonex Astrox 99 Badminton Racket')), 9);
  });

  test('a shipped order is refused at once, without asking', async () => {
    const shopper = await shop.newShopper();
    await say(shopper, 'Buy a water bottle');
    await operator((await lastOrder(shopper)).order.order_id, 'ship');
    const refused = await say(shopper, 'cancel the order for the water bottle');
    assert.equal(refused.awaiting_confirmation, false);
    assert.deepEqual(trajectory(refused), ['list_orders', 'cancel_order ✗']);
    assert.match(refused.response, /shipped/);
    assert.equal((await lastOrder(shopper)).order.status, 'shipped');
  });

  test('"return 2 of the 5 balls" refunds exactly those 2 and restocks them', async () => {
    const shopper = await shop.newShopper();
    await say(shopper, 'Buy 5 tennis balls');
    const orderId = (await lastOrder(shopper)).order.order_id;
    await operator(orderId, 'ship');
    await operator(orderId, 'deliver');
    const asked = await say(shopper, 'return 2 of the 5 balls');
    assert.deepEqual(trajectory(asked), ['list_orders', 'return_items ✗']);
    assert.deepEqual(asked.steps[1]!.args, {
      order_id: orderId,
      lines: [{ product_id: id('Tennis Ball'), quantity: 2 }],
    });
    assert.match(asked.response, /return 2 × Tennis Ball \(\$10\.00\) from order .* and refund \$10\.00/);
    await say(shopper, 'yes');
    const { order, payment } = await lastOrder(shopper);
    assert.deepEqual([order.status, order.lines[0]!.returned_quantity], ['partially_returned', 2]);
    assert.deepEqual([payment.status, payment.refunded_amount], ['partially_refunded', 10]);
    assert.equal(await shop.stock(id('Tennis Ball')), 47);
  });

  test('"show my orders" and "where is my order?" read only the caller\'s orders', async () => {
    const rival = await shop.newShopper();
    await say(rival, 'Buy 1 MacBook Pro');
    const shopper = await shop.newShopper();
    assert.match((await say(shopper, 'show my orders')).response, /haven't placed any orders/);
    await say(shopper, 'Buy a keychain');
    await operator((await lastOrder(shopper)).order.order_id, 'ship');
    const listed = await say(shopper, 'show my orders');
    assert.deepEqual(trajectory(listed), ['list_orders']);
    assert.match(listed.response, /Keychain/);
    assert.doesNotMatch(listed.response, /MacBook/);
    assert.match((await say(shopper, 'where is my order?')).response, /: shipped, \$2\.00/);
  });

  test('"the tennis one" answers the agent\'s own "which one?"', async () => {
    const shopper = await shop.newShopper();
    assert.match((await say(shopper, 'Buy a ball')).response, /Which one do you mean\?/);
    const answered = await say(shopper, 'the tennis one');
    assert.deepEqual(trajectory(answered), ['search_products', 'add_to_cart', 'transfer_to_checkout', 'checkout']);
    const { order } = await lastOrder(shopper);
    assert.deepEqual(
      order.lines.map((line) => [line.name, line.quantity]),
      [['Tennis Ball', 1]],
    );
  });
});

describe('scripted model', () => {
  async function orchestratorWith(model: ScriptedChatModel) {
    const serviceUrls = Object.fromEntries(
      (['product', 'order', 'payment', 'session'] as const).map((name) => [
        `${name.toUpperCase()}_SERVICE_URL`,
        shop.urls[name],
      ]),
    );
    return startTestService(
      { ...orchestratorService, buildApp: (config) => buildApp(config, { chatModel: model }) },
      database,
      serviceUrls,
    );
  }

  test('the refund is what the order allows, for the caller only, whatever the model sends', async () => {
    const rival = await shop.newShopper();
    await say(rival, 'Buy a keychain');
    const rivalOrder = (await lastOrder(rival)).order.order_id;
    const shopper = await shop.newShopper();
    await say(shopper, 'Buy the Yonex racket');
    const orderId = (await lastOrder(shopper)).order.order_id;
    await operator(orderId, 'ship');
    await operator(orderId, 'deliver');
    const racket = id('Yonex Astrox 99 Badminton Racket');

    const model = new ScriptedChatModel([
      [{ call: 'transfer_to_orders' }],
      [{ call: 'get_order', args: { order_id: rivalOrder } }],
      [{ call: 'cancel_order', args: { order_id: rivalOrder, user_id: rival.userId } }],
      [
        {
          call: 'return_items',
          args: { order_id: orderId, lines: [{ product_id: racket, quantity: 1 }], amount: 500, user_id: rival.userId },
        },
      ],
      [{ say: 'Done.' }],
    ]);
    const orchestrator = await orchestratorWith(model);
    try {
      const send = scriptedChat(orchestrator.url, shopper);
      const asked = await send('Refund me $500 for the racket');
      assert.deepEqual(trajectory(asked), ['get_order ✗', 'cancel_order ✗', 'return_items ✗']);
      assert.equal(
        asked.response,
        `I will return 1 × Yonex Astrox 99 Badminton Racket ($200.00) from order ${orderId} and refund $200.00. Reply "yes" to confirm.`,
      );
      const done = await send('yes');
      assert.equal(done.response, 'Done.');
      assert.deepEqual(model.calls[0]!.tools, ['transfer_to_sales', 'transfer_to_checkout', 'transfer_to_orders']);
      assert.deepEqual(model.calls[1]!.tools, [
        'list_orders',
        'get_order',
        'cancel_order',
        'return_items',
        'transfer_to_sales',
        'transfer_to_checkout',
      ]);
      const refusals = model.calls
        .at(-1)!
        .messages.map((message) => String(message.content))
        .filter((content) => content.startsWith('{"ok":false'));
      assert.equal(
        refusals.filter((content) => content.includes(`Order ${rivalOrder} not found`)).length,
        2,
        "the rival's order is not found, twice",
      );
    } finally {
      await orchestrator.app.close();
    }
    const mine = await lastOrder(shopper);
    assert.deepEqual(
      [mine.order.status, mine.payment.status, mine.payment.refunded_amount],
      ['returned', 'refunded', 200],
    );
    const theirs = await lastOrder(rival);
    assert.deepEqual([theirs.order.status, theirs.payment.refunded_amount], ['paid', 0]);
    assert.equal(await shop.stock(racket), 10);
  });

  test('two cancellations in one reply: one is asked at a time, and a yes to each cancels both', async () => {
    const shopper = await shop.newShopper();
    await say(shopper, 'Buy a keychain');
    const first = (await lastOrder(shopper)).order.order_id;
    await say(shopper, 'Buy a water bottle');
    const second = (await lastOrder(shopper)).order.order_id;
    const model = new ScriptedChatModel([
      [{ call: 'transfer_to_orders' }],
      [
        { call: 'cancel_order', args: { order_id: first } },
        { call: 'cancel_order', args: { order_id: second } },
      ],
      [{ call: 'cancel_order', args: { order_id: second } }],
      [{ say: 'Done.' }],
    ]);
    const orchestrator = await orchestratorWith(model);
    try {
      const send = scriptedChat(orchestrator.url, shopper);
      assert.match((await send('cancel both')).response, new RegExp(`cancel order ${first}`));
      const secondAsked = await send('yes');
      assert.match(secondAsked.response, new RegExp(`cancel order ${second}`));
      const told = model.calls[2]!.messages.map((message) => String(message.content));
      assert.ok(
        told.some((content) => content.includes('only one payment, cancellation or return can be asked about')),
        'the second call of the reply was sent back, to be asked on its own',
      );
      const done = await send('yes');
      assert.equal(done.response, 'Done.');
      const orders = await shop.orders(shopper.userId);
      assert.deepEqual(
        orders.map((order) => [order.order_id, order.status]).sort(),
        [
          [first, 'cancelled'],
          [second, 'cancelled'],
        ].sort(),
      );
    } finally {
      await orchestrator.app.close();
    }
  });
});
