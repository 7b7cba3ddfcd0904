import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setAccountRole, workspaceRoot } from '@ecomm/cluster';
import { testSecrets } from '@ecomm/testing';
import { internal, register, sidewaysOverflow, useWebShop } from './web-shop-fixture.js';

// The web app in Debian's Chromium (never a downloaded browser), against the whole cluster on loopback.
// Screenshots land beside the tests (git-ignored) for a look after a run; UPDATE_SCREENSHOTS=1 refreshes docs/'s.
const screenshots = join(workspaceRoot(), process.env.UPDATE_SCREENSHOTS ? 'docs' : 'system-tests/screenshots');

const shop = useWebShop({
  SAGA_FAULT_INJECTION: 'true',
  SAGA_BACKOFF_MS: '20',
  SAGA_STEP_ATTEMPTS: '2',
});
const consoleErrors: string[] = [];

async function openPage(width = 1280) {
  const page = await shop.browser.newPage({ viewport: { width, height: 860 } });
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(shop.base);
  return page;
}

describe('the web app in Chromium', () => {
  test('a shopper registers, buys by chatting, sees the steps and the receipt; the order is in the database; Orders cancels it', async () => {
    const page = await openPage();
    await register(page, 'ada@example.com');
    await page.getByLabel('Message').fill('Find a MacBook Pro and buy 1 unit.');
    await page.getByLabel('Message').press('Enter');
    const receipt = page.getByRole('region', { name: 'Receipt' });
    await receipt.waitFor({ timeout: 30_000 });
    assert.match(await receipt.innerText(), /Paid \$2,000\.00/);
    assert.ok(await page.getByText('Paying').isVisible(), 'the checkout step is shown');
    assert.ok(await page.getByText('Adding to the cart').isVisible());

    const orderId = /Order ([0-9a-f-]{36})/.exec(await receipt.innerText())![1]!;
    const order = await internal<{ status: string; total: number }>(shop.cluster.urls.order!, `/${orderId}`);
    assert.deepEqual({ status: order.status, total: order.total }, { status: 'paid', total: 2000 });
    await page.screenshot({ path: join(screenshots, 'web-shop.png'), fullPage: true });

    await page.getByRole('link', { name: 'Orders' }).click();
    const card = page.locator('.order', { hasText: `Order ${orderId.slice(0, 8)}` });
    await card.getByText('paid', { exact: true }).waitFor();
    await page.screenshot({ path: join(screenshots, 'web-orders.png'), fullPage: true });
    await card.getByRole('button', { name: 'Cancel order' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this order?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /\$2,000\.00 refunded/);
    await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /is now (cancelled|cancelling)/ })
      .waitFor();
    let cancelled = await internal<{ status: string }>(shop.cluster.urls.order!, `/${orderId}`);
    for (let attempt = 0; attempt < 50 && cancelled.status !== 'cancelled'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      cancelled = await internal<{ status: string }>(shop.cluster.urls.order!, `/${orderId}`);
    }
    assert.equal(cancelled.status, 'cancelled');
    await page.goto(`${shop.base}/#/shop`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(screenshots, 'web-shop-375.png'), fullPage: true });
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling of the shop at 375 px');
    await page.goto(`${shop.base}/#/orders`);
    await page
      .getByText(/cancelled/i)
      .first()
      .waitFor();
    await page.screenshot({ path: join(screenshots, 'web-orders-375.png'), fullPage: true });
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling of the orders at 375 px');

    await page.goto(`${shop.base}/#/console`);
    assert.equal(
      await page.getByRole('link', { name: 'Operator console' }).count(),
      0,
      'no console link for a shopper',
    );
    await page.getByText('The operator console is for admins only.').waitFor();
    await page.close();
  });

  test('an expired token leads back to the login and keeps the conversation', async () => {
    const page = await openPage();
    await register(page, 'bob@example.com');
    await page.getByLabel('Message').fill('hello');
    await page.getByLabel('Message').press('Enter');
    await page.locator('.message.assistant').first().waitFor();
    await page.evaluate(`{
      const stored = JSON.parse(sessionStorage.getItem('agent-shop.session'));
      sessionStorage.setItem('agent-shop.session', JSON.stringify({ ...stored, token: 'expired.token.value' }));
    }`);
    await page.reload();
    await page.getByLabel('Message').fill('show my cart');
    await page.getByLabel('Message').press('Enter');
    await page.getByRole('heading', { name: 'Your session expired' }).waitFor();
    await page.getByLabel('Password').fill('correct-horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Your session expired' }).waitFor({ state: 'detached' });
    assert.ok((await page.locator('.message.user').count()) >= 1, 'the conversation is still on the page');
    await page.close();
  });

  test('an operator creates a product and retries a checkout run left in needs_attention', async () => {
    // A checkout whose order confirmation is refused for good: paid, then left for an operator.
    const page = await openPage();
    await register(page, 'ops@example.com');
    // Registration made a shopper; the operator grants admin, and it arrives with the next login.
    assert.equal(await page.getByRole('link', { name: 'Operator console' }).count(), 0);
    const grant = { email: 'ops@example.com', role: 'admin' } as const;
    await setAccountRole({ authUrl: shop.cluster.urls.auth!, internalApiKey: testSecrets.INTERNAL_API_KEY }, grant);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').fill('ops@example.com');
    await page.getByLabel('Password').fill('correct-horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Operator console' }).waitFor();
    const token = await page.evaluate<string>(`JSON.parse(sessionStorage.getItem('agent-shop.session')).token`);
    const me = (await (
      await fetch(`${shop.base}/auth/me`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      id: string;
      role: string;
    };
    assert.equal(me.role, 'admin');
    await internal(shop.cluster.urls.session!, '/', 'POST', { session_id: 'stuck-1', user_id: me.id });
    const keychain = (await internal<{ items: { id: number }[] }>(shop.cluster.urls.product!, '/?query=Keychain'))
      .items[0]!.id;
    await internal(shop.cluster.urls.session!, '/stuck-1/items', 'POST', { product_id: keychain, quantity: 1 });
    const checkout = await fetch(`${shop.base}/checkout`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-saga-fault': 'confirm_order:reject',
      },
      body: JSON.stringify({ session_id: 'stuck-1' }),
    });
    assert.equal(checkout.status, 202);

    await page.getByRole('link', { name: 'Operator console' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Desk Lamp');
    await page.getByLabel('Price', { exact: true }).fill('25');
    await page.getByLabel('Stock', { exact: true }).fill('7');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('cell', { name: 'Desk Lamp', exact: true }).waitFor();
    const created = await internal<{ items: { name: string; price: number; stock: number }[] }>(
      shop.cluster.urls.product!,
      '/?query=Desk%20Lamp',
    );
    assert.deepEqual(
      created.items.map(({ name, price, stock }) => ({ name, price, stock })),
      [{ name: 'Desk Lamp', price: 25, stock: 7 }],
    );
    const editPrice = async (typed: string) => {
      page.once('dialog', (prompt) => void prompt.accept(typed));
      await page.getByRole('button', { name: 'Edit the price of Desk Lamp' }).click();
    };
    await editPrice('twenty');
    await page.getByText('"twenty" is not a price: type an amount such as 19.99.').waitFor();
    // Number() reads the first three as $16, $1,000 and, once the commas are dropped, $123; the API refused the last as
    // "Invalid request: body.price: ...". None is a price as one is written.
    for (const typed of ['0x10', '1e3', '1,2,3', '12.345']) {
      await editPrice(typed);
      await page.getByText(`"${typed}" is not a price: type an amount such as 19.99.`).waitFor({ timeout: 5000 });
    }
    await editPrice('$1,029.50');
    await page.getByText('Desk Lamp now costs $1,029.50.').waitFor();
    const repriced = await internal<{ items: { price: number }[] }>(shop.cluster.urls.product!, '/?query=Desk%20Lamp');
    assert.deepEqual(
      repriced.items.map(({ price }) => price),
      [1029.5],
    );

    await page.getByLabel('Status').selectOption('needs_attention');
    await page.getByRole('button', { name: 'Retry' }).first().waitFor();
    await page.screenshot({ path: join(screenshots, 'web-console.png'), fullPage: true });
    await page.getByRole('button', { name: 'Retry' }).first().click();
    await page.getByText('Retried: the run is now completed.').waitFor();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(screenshots, 'web-console-375.png'), fullPage: true });
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling of the console at 375 px');
    const runs = await internal<{ items: { status: string }[] }>(shop.base, '/admin/sagas?status=needs_attention');
    assert.equal(runs.items.length, 0);
    await page.close();
  });

  test('no page logged an error to the console', () => {
    assert.deepEqual(
      consoleErrors.filter((text) => !/401|Unauthorized/.test(text)),
      [],
    );
  });
});
