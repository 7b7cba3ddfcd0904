import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureWebBuild, setAccountRole, workspaceRoot } from '@ecomm/cluster';
import { catalogFixture } from '@ecomm/evals';
import {
  internalHeaders,
  startTestCluster,
  testSecrets,
  useTestDatabase,
  useTestFixture,
  type TestCluster,
} from '@ecomm/testing';
import { allServices } from './all-services.js';

// The web app in Debian's Chromium (never a downloaded browser), against the whole cluster on loopback.
const chromiumPath = '/usr/bin/chromium';
// Screenshots land beside the tests (git-ignored) for a look after a run; UPDATE_SCREENSHOTS=1 refreshes docs/'s.
const sidewaysOverflow = (page: Page) =>
  page.evaluate<number>('Math.max(0, document.documentElement.scrollWidth - window.innerWidth)');
const screenshots = join(workspaceRoot(), process.env.UPDATE_SCREENSHOTS ? 'docs' : 'system-tests/screenshots');

const database = useTestDatabase();
let cluster: TestCluster;
let browser: Browser;
let base: string;
const consoleErrors: string[] = [];

async function internal<T>(url: string, path: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...internalHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

async function openPage(width = 1280) {
  const page = await browser.newPage({ viewport: { width, height: 860 } });
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(base);
  return page;
}

async function register(page: Page, email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct-horse');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

useTestFixture(
  async () => {
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
    const site = await ensureWebBuild(workspaceRoot());
    cluster = await startTestCluster(allServices, database, {
      auth: { BCRYPT_ROUNDS: '4' },
      orchestrator: {
        LLM_PROVIDER: 'offline',
        WEB_DIST_DIR: site,
        SAGA_FAULT_INJECTION: 'true',
        SAGA_BACKOFF_MS: '20',
        SAGA_STEP_ATTEMPTS: '2',
      },
    });
    base = cluster.urls.orchestrator!;
    for (const product of catalogFixture) await internal(cluster.urls.product!, '/', 'POST', product);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--headless',
      ],
    });
  },
  async () => {
    await browser?.close();
    await cluster?.stop();
  },
  database,
);

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
    const order = await internal<{ status: string; total: number }>(cluster.urls.order!, `/${orderId}`);
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
    let cancelled = await internal<{ status: string }>(cluster.urls.order!, `/${orderId}`);
    for (let attempt = 0; attempt < 50 && cancelled.status !== 'cancelled'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      cancelled = await internal<{ status: string }>(cluster.urls.order!, `/${orderId}`);
    }
    assert.equal(cancelled.status, 'cancelled');
    await page.goto(`${base}/#/shop`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(screenshots, 'web-shop-375.png'), fullPage: true });
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling of the shop at 375 px');
    await page.goto(`${base}/#/orders`);
    await page
      .getByText(/cancelled/i)
      .first()
      .waitFor();
    await page.screenshot({ path: join(screenshots, 'web-orders-375.png'), fullPage: true });
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling of the orders at 375 px');

    await page.goto(`${base}/#/console`);
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
    await setAccountRole({ authUrl: cluster.urls.auth!, internalApiKey: testSecrets.INTERNAL_API_KEY }, grant);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').fill('ops@example.com');
    await page.getByLabel('Password').fill('correct-horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Operator console' }).waitFor();
    const token = await page.evaluate<string>(`JSON.parse(sessionStorage.getItem('agent-shop.session')).token`);
    const me = (await (await fetch(`${base}/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      id: string;
      role: string;
    };
    assert.equal(me.role, 'admin');
    await internal(cluster.urls.session!, '/', 'POST', { session_id: 'stuck-1', user_id: me.id });
    const keychain = (await internal<{ items: { id: number }[] }>(cluster.urls.product!, '/?query=Keychain')).items[0]!
      .id;
    await internal(cluster.urls.session!, '/stuck-1/items', 'POST', { product_id: keychain, quantity: 1 });
    const checkout = await fetch(`${base}/checkout`, {
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
      cluster.urls.product!,
      '/?query=Desk%20Lamp',
    );
    assert.deepEqual(
      created.items.map(({ name, price, stock }) => ({ name, price, stock })),
      [{ name: 'Desk Lamp', price: 25, stock: 7 }],
    );

    await page.getByLabel('Status').selectOption('needs_attention');
    await page.getByRole('button', { name: 'Retry' }).first().waitFor();
    await page.screenshot({ path: join(screenshots, 'web-console.png'), fullPage: true });
    await page.getByRole('button', { name: 'Retry' }).first().click();
    await page.getByText('Retried: the run is now completed.').waitFor();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: join(screenshots, 'web-console-375.png'), fullPage: true });
    assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling of the console at 375 px');
    const runs = await internal<{ items: { status: string }[] }>(base, '/admin/sagas?status=needs_attention');
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
