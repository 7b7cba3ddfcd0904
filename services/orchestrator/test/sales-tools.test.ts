import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { ToolInputParsingException } from '@langchain/core/tools';
import { createSalesTools } from '../src/agents/tools/sales-tools.js';
import { createShoppingService } from '../src/shopping/shopping-service.js';
import { createFakeShop, type FakeShop } from './fake-shop.js';
import { callTool, shopper } from './tool-harness.js';

// The sales agent's tools over a fake shop: what each asks of the domain services and what it tells the model.

let shop: FakeShop;
let tools: ReturnType<typeof createSalesTools>;

beforeEach(async () => {
  shop = createFakeShop([
    { name: 'MacBook Pro', price: 1999.99, stock: 5, category: 'laptops' },
    { name: 'ThinkPad X1', price: 1499, stock: 2, category: 'laptops' },
    { name: 'Keychain', price: 4.5, stock: 100, category: 'accessories' },
  ]);
  await shop.clients.carts.open(shopper.sessionId, shopper.userId);
  shop.take();
  tools = createSalesTools(createShoppingService(shop.clients));
});

test('search_products passes the filters on and shows only what a shopper may see', async () => {
  const { content } = await callTool(tools.searchProducts, { query: 'laptop', sort: 'price_asc' });

  assert.deepEqual(shop.calls, [
    { name: 'products.search', args: [{ query: 'laptop', sort: 'price_asc', limit: 20 }] },
  ]);
  assert.deepEqual(content, {
    ok: true,
    products: [
      { id: 2, name: 'ThinkPad X1', price: 1499, stock: 2, category: 'laptops' },
      { id: 1, name: 'MacBook Pro', price: 1999.99, stock: 5, category: 'laptops' },
    ],
    total: 2,
  });
});

test("add_to_cart adds at the catalog price under the call's own idempotency key", async () => {
  const { content } = await callTool(tools.addToCart, { product_id: 1, quantity: '2' }, 'call-add');

  assert.deepEqual(
    shop.calls.map((call) => call.name),
    ['products.get', 'carts.get', 'carts.addItem'],
  );
  assert.deepEqual(shop.calls[2]!.args, [shopper.sessionId, 1, 2, `${shopper.sessionId}:call-add`]);
  assert.deepEqual(shop.carts.get(shopper.sessionId)!.items, [{ product_id: 1, quantity: 2 }]);
  assert.equal(content.ok, true);
  assert.equal(content.message, 'Added 2 × MacBook Pro ($1,999.99 each) to the cart.');
  assert.deepEqual(content.cart, {
    status: 'open',
    items: [{ product_id: 1, name: 'MacBook Pro', quantity: 2, unit_price: 1999.99, line_total: 3999.98 }],
    total: 3999.98,
  });
});

test('add_to_cart refuses bad quantities, unknown products and more than the stock, and writes nothing', async () => {
  await callTool(tools.addToCart, { product_id: 2, quantity: 1 });
  shop.take();
  const refusals = [
    [{ product_id: 1, quantity: 0 }, 'A quantity must be at least 1; 0 is not allowed.'],
    [{ product_id: 1, quantity: -1 }, 'A quantity must be at least 1; -1 is not allowed.'],
    [{ product_id: 1, quantity: 'three' }, '"three" is not a number; a quantity must be a whole number of at least 1.'],
    [{ product_id: 1, quantity: 2.5 }, '2.5 is not a whole number; a quantity must be a whole number of at least 1.'],
    [{ product_id: 99, quantity: 1 }, 'Product 99 does not exist. Search the catalog to find the right product.'],
    [
      { product_id: 2, quantity: 2 },
      "Only 2 ThinkPad X1 in stock and 1 are already in your cart, so I can't add 2. I can add up to 1.",
    ],
  ] as const;
  for (const [args, error] of refusals) {
    const { content } = await callTool(tools.addToCart, args);
    assert.deepEqual(content, { ok: false, error }, JSON.stringify(args));
  }
  assert.ok(!shop.take().includes('carts.addItem'));
  assert.deepEqual(shop.carts.get(shopper.sessionId)!.items, [{ product_id: 2, quantity: 1 }]);
});

test("arguments that do not fit the tool's schema never reach the shop", async () => {
  await assert.rejects(callTool(tools.addToCart, { product_id: 'the laptop', quantity: 1 }), ToolInputParsingException);
  await assert.rejects(callTool(tools.searchProducts, { limit: 1000 }), ToolInputParsingException);
  assert.deepEqual(shop.calls, []);
});

test('update_cart_quantity sets a line within the stock; remove_from_cart removes one that is there', async () => {
  await callTool(tools.addToCart, { product_id: 1, quantity: 1 });
  shop.take();

  assert.equal(
    (await callTool(tools.updateCartQuantity, { product_id: 1, quantity: 3 })).content.message,
    'The cart now has 3 × MacBook Pro.',
  );
  assert.deepEqual(shop.take(), ['products.get', 'carts.setItem']);
  const tooMany = await callTool(tools.updateCartQuantity, { product_id: 1, quantity: 6 });
  assert.deepEqual(tooMany.content, {
    ok: false,
    error: "Only 5 MacBook Pro in stock, so I can't make it 6. I can set up to 5.",
  });
  assert.deepEqual(shop.take(), ['products.get']);

  const removed = await callTool(tools.removeFromCart, { product_id: 1 });
  assert.deepEqual(removed.content, { ok: true, removed: 1, cart: { status: 'open', items: [], total: 0 } });
  const missing = await callTool(tools.removeFromCart, { product_id: 3 });
  assert.deepEqual(missing.content, { ok: false, error: 'Product 3 is not in the cart.' });
  assert.deepEqual(shop.take(), ['carts.removeItem', 'carts.removeItem']);
});

test('view_cart shows current names and prices, and a product no longer sold by its id', async () => {
  await callTool(tools.addToCart, { product_id: 3, quantity: 2 });
  await callTool(tools.addToCart, { product_id: 2, quantity: 1 });
  shop.products.get(3)!.price = 5;
  shop.products.delete(2);
  shop.take();

  const { content } = await callTool(tools.viewCart);

  assert.deepEqual(shop.take(), ['carts.get', 'products.get', 'products.get']);
  assert.deepEqual(content, {
    ok: true,
    cart: {
      status: 'open',
      items: [
        { product_id: 3, name: 'Keychain', quantity: 2, unit_price: 5, line_total: 10 },
        { product_id: 2, name: 'product 2 (no longer sold)', quantity: 1, unit_price: 0, line_total: 0 },
      ],
      total: 10,
    },
  });
});
