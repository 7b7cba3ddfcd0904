import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { useAgentShop, type AgentShop } from './agent-harness.js';

// Ordinary phrasings a reviewer tried against the offline model: asking is not buying, and nothing is added or
// paid that the shopper did not ask for. Each checks the shop's state, not only the reply.

const shop = useAgentShop();
let products: Awaited<ReturnType<AgentShop['resetCatalog']>>;

beforeEach(async () => {
  products = await shop.resetCatalog();
});

const id = (name: string) => products[name]!.id;

async function converse(messages: string[]) {
  const shopper = await shop.newShopper();
  let last;
  for (const message of messages) {
    last = await shop.chat(shopper, message);
    assert.equal(last.status, 200, `${message}: ${JSON.stringify(last.body)}`);
  }
  return {
    shopper,
    reply: last!.body,
    cart: (await shop.cart(shopper.sessionId)).items,
    orders: await shop.orders(shopper.userId),
  };
}

describe('asking is not buying', () => {
  for (const message of [
    'get me the price of the macbook',
    'I need to know the price of the macbook',
    'I want information on the macbook',
    'give me a list of laptops',
    'take a look at laptops',
    'give me details about the racket',
    'I need help choosing a racket',
    'I want to buy the macbook but not now',
    "I'd like the macbook, how much is it?",
    'I need a laptop under 1500',
    "I'll take the racket if it's under $100",
    'buy the macbook for 1 dollar',
  ]) {
    test(`"${message}" buys nothing`, async () => {
      const { cart, orders } = await converse([message]);
      assert.deepEqual(orders, []);
      assert.deepEqual(cart, []);
    });
  }
});

describe('paying only for what was asked', () => {
  for (const message of [
    'check out the new rackets',
    'pay later please',
    'pay $1 for the keychain',
    'add 60 tennis balls and checkout',
  ]) {
    test(`with a keychain in the cart, "${message}" pays nothing`, async () => {
      const { cart, orders } = await converse(['Add a keychain to my cart', message]);
      assert.deepEqual(orders, []);
      assert.deepEqual(cart, [{ product_id: id('Keychain'), quantity: 1 }]);
    });
  }

  test('"buy everything in my cart" checks out the cart, nothing more', async () => {
    const { orders } = await converse(['Add a keychain to my cart', 'buy everything in my cart']);
    assert.deepEqual(
      orders.map((order) => order.lines.map((line) => [line.name, line.quantity])),
      [[['Keychain', 1]]],
    );
  });

  test('"Buy the keychain, not the macbook" buys the keychain only', async () => {
    const { orders } = await converse(['Buy the keychain, not the macbook']);
    assert.deepEqual(
      orders.map((order) => order.total),
      [2],
    );
  });

  test('"buy 1,000 keychains" after looking at laptops is refused and adds no laptop', async () => {
    const { reply, cart, orders } = await converse(['show me laptops', 'buy 1,000 keychains']);
    assert.match(reply.response, /Only 100 Keychain in stock/);
    assert.deepEqual(cart, []);
    assert.deepEqual(orders, []);
  });

  test('several products that fit are asked about, not picked', async () => {
    const { reply, cart } = await converse(['add 3 balls']);
    assert.match(reply.response, /Which one do you mean\?/);
    assert.deepEqual(cart, []);
    const again = await converse(['show me balls', 'buy it']);
    assert.match(again.reply.response, /Which one do you mean\?/);
    assert.deepEqual(again.orders, []);
  });

  test('more than ten products in one message are refused, changing nothing', async () => {
    const { reply, cart } = await converse([`buy ${Array(14).fill('a keychain').join(', ')}`]);
    assert.match(reply.response, /at most 10/);
    assert.deepEqual(cart, []);
  });
});

describe('quantities and corrections', () => {
  test('number words and dozens', async () => {
    assert.deepEqual((await converse(['add twenty-five keychains'])).cart, [
      { product_id: id('Keychain'), quantity: 25 },
    ]);
    assert.deepEqual((await converse(['add 3 dozen keychains'])).cart, [{ product_id: id('Keychain'), quantity: 36 }]);
  });

  test('"make it 11" above the stock keeps the line as it was', async () => {
    const { cart, reply } = await converse(['Add 2 MacBook Pros to my cart', 'make it 11']);
    assert.match(reply.response, /Only 10 MacBook Pro in stock/);
    assert.deepEqual(cart, [{ product_id: id('MacBook Pro'), quantity: 2 }]);
  });

  test('"make it 3" sets the quantity', async () => {
    const { cart } = await converse(['Add 2 keychains to my cart', 'make it 3']);
    assert.deepEqual(cart, [{ product_id: id('Keychain'), quantity: 3 }]);
  });

  test('"remove 1 keychain" takes one of three', async () => {
    const { cart } = await converse(['Add 3 keychains to my cart', 'remove 1 keychain']);
    assert.deepEqual(cart, [{ product_id: id('Keychain'), quantity: 2 }]);
  });

  test('"what\'s the total?" shows the cart', async () => {
    const { reply } = await converse(['Add 3 keychains to my cart', "what's the total?"]);
    assert.deepEqual(
      reply.steps.map((step) => step.tool),
      ['view_cart'],
    );
    assert.match(reply.response, /Total: \$6\.00/);
  });
});
