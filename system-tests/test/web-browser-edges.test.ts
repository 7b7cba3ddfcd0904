import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { internal, register, sidewaysOverflow, useWebShop } from './web-shop-fixture.js';

// What shoppers do beside the happy path (web-browser.test.ts): share a tab, double-click, mistype, in Debian's Chromium.
const shop = useWebShop();

async function openPage() {
  const page = await shop.browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(shop.base);
  return page;
}

/** Sends `message`, or what the composer holds already when it is empty; waits for the reply. */
async function say(page: Page, message: string) {
  if (message) await page.getByLabel('Message').fill(message);
  await page.getByLabel('Message').press('Enter');
  await page.getByText('The agent is working…').waitFor({ state: 'detached', timeout: 30_000 });
}

describe('the web app when shoppers stray from the happy path', () => {
  test('another account logging in to the same tab neither sees nor reuses the last one’s conversation', async () => {
    const page = await openPage();
    await register(page, 'ada@example.com');
    await say(page, 'Find a MacBook Pro and add 1 to my cart');
    assert.match(await page.locator('.message.assistant').innerText(), /MacBook Pro/);
    await page.getByRole('button', { name: 'Log out' }).click();

    await register(page, 'bob@example.com');
    assert.equal(await page.locator('.message').count(), 0, "Ada's messages are not shown to Bob");
    await say(page, 'hello');
    assert.deepEqual(await page.getByRole('alert').allInnerTexts(), [], 'Bob talks in a conversation of his own');
    assert.equal(await page.locator('.message.assistant').count(), 1);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct-horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.cart').getByText('MacBook Pro').waitFor();
    await page.close();
  });

  test('a double click on “Yes, cancel it” sends one cancellation', async () => {
    const page = await openPage();
    await register(page, 'carl@example.com');
    await say(page, 'Find a MacBook Pro and buy 1 unit.');
    await page.getByRole('region', { name: 'Receipt' }).waitFor();
    await page.getByRole('link', { name: 'Orders' }).click();
    const cancellations: string[] = [];
    page.on('request', (request) => request.url().endsWith('/cancel') && cancellations.push(request.url()));
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).dblclick();
    await page
      .getByRole('status')
      .filter({ hasText: /is now (cancelled|cancelling)/ })
      .waitFor();
    assert.equal(cancellations.length, 1);
    await page.close();
  });

  test('a refused registration says what to fix, without the API’s field names', async () => {
    const page = await openPage();
    // Chromium's own check lets `a@b` through; the auth service does not.
    await page.getByLabel('Email').fill('a@b');
    await page.getByLabel('Password').fill('correct-horse');
    await page.getByRole('button', { name: 'Create account' }).click();
    const alert = await page.getByRole('alert').innerText();
    assert.doesNotMatch(alert, /body\.|Invalid request/);
    assert.match(alert, /email/i);
    await page.close();
  });

  test('a product name without spaces wraps at 375 px: no sideways scrolling of the shop or the orders', async () => {
    const name = 'UltrawideCurvedGamingMonitor-UW3440-QHD-165Hz-USB-C-Edition';
    await internal(shop.cluster.urls.product!, '/', 'POST', { name, price: 10, stock: 5, category: 'monitors' });
    const page = await shop.browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(shop.base);
    await register(page, 'fay@example.com');
    await say(page, `buy 1 ${name}`);
    await page.getByRole('region', { name: 'Receipt' }).waitFor();
    await say(page, `add 1 ${name} to my cart`);
    await page.locator('.cart').getByText(name).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, 'the shop');
    // Wrapping anywhere must not reach what a flex row would then squeeze to a letter a line: a button, an amount.
    // As text, as `sideways`: this package is type-checked without the DOM's types.
    const lines = (selector: string) =>
      page.evaluate<number>(
        `(() => { const range = document.createRange(); range.selectNodeContents(document.querySelector(${JSON.stringify(selector)}));` +
          ` return new Set([...range.getClientRects()].map((rectangle) => Math.round(rectangle.top))).size; })()`,
      );
    assert.equal(await lines('.composer button'), 1, 'the Send button keeps its word whole');
    assert.equal(await lines('.cart li > :last-child'), 1, "a cart line's amount keeps its figures whole");
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.locator('.order').getByText(name).waitFor();
    assert.equal(await sidewaysOverflow(page), 0, 'the orders');
    await page.close();
  });

  test('a message pasted past the chat’s 2,000 characters is cut there, not refused with the API’s field names', async () => {
    const page = await openPage();
    await register(page, 'gus@example.com');
    await page.getByLabel('Message').fill('find a laptop '.repeat(200));
    assert.equal((await page.getByLabel('Message').inputValue()).length, 2000);
    await say(page, '');
    assert.deepEqual(await page.getByRole('alert').allInnerTexts(), []);
    assert.equal(await page.locator('.message.assistant').count(), 1);
    await page.close();
  });

  test('the orders agent’s steps are named in a shopper’s words, not by their tool names', async () => {
    const page = await openPage();
    await register(page, 'hal@example.com');
    await say(page, 'Find a MacBook Pro and buy 1 unit.');
    await page.getByRole('region', { name: 'Receipt' }).waitFor();
    await say(page, 'show my orders');
    await say(page, 'cancel my last order');
    const steps = await page.locator('.step').allInnerTexts();
    assert.ok(steps.length >= 6, steps.join(' | '));
    assert.deepEqual(
      steps.filter((step) => /[a-z]+_[a-z]+/.test(step)),
      [],
    );
    await page.close();
  });

  test('the orders agent’s question offers “Yes, refund”, which cancels the order and shows it done', async () => {
    const page = await openPage();
    await register(page, 'ivy@example.com');
    await say(page, 'Find a MacBook Pro and buy 1 unit.');
    const receipt = page.getByRole('region', { name: 'Receipt' });
    const orderId = /Order ([0-9a-f-]{36})/.exec(await receipt.innerText())![1]!;
    await say(page, 'cancel my last order');
    const confirm = page.getByRole('group', { name: 'Confirm the refund' });
    assert.deepEqual(await confirm.getByRole('button').allInnerTexts(), ['Yes, refund $2,000.00', 'No']);
    const asking = page.locator('.message.assistant').nth((await page.locator('.message.assistant').count()) - 1);
    // Paused for the answer, not still running: the step says it asked, then and after the answer.
    assert.match(await asking.innerText(), /\? Cancelling the order — asked you to confirm/);
    await confirm.getByRole('button', { name: 'Yes, refund $2,000.00' }).click();
    await page.getByText('The agent is working…').waitFor({ state: 'detached' });
    assert.deepEqual(await page.getByRole('alert').allInnerTexts(), []);
    assert.match(
      await page.locator('.message.assistant').last().innerText(),
      new RegExp(`✓ Cancelling the order\\s+Order ${orderId} is cancelled; \\$2,000\\.00 is refunded\\.`),
    );
    assert.match(await asking.innerText(), /\? Cancelling the order — asked you to confirm/);
    assert.equal(await page.locator('.step.running').count(), 0, 'no step is left looking as if still running');
    const order = await internal<{ status: string }>(shop.cluster.urls.order!, `/${orderId}`);
    assert.match(order.status, /cancell/);
    await page.close();
  });

  // Last: it stops the order and session services for good.
  test('with services down, Orders and the cart say they could not be read, not that they are empty', async () => {
    const page = await openPage();
    await register(page, 'dan@example.com');
    await say(page, 'Find a MacBook Pro and buy 1 unit.');
    await page.getByRole('region', { name: 'Receipt' }).waitFor();
    await say(page, 'add 1 MacBook Pro to my cart');
    await page.locator('.cart').getByText('MacBook Pro').waitFor();
    await shop.cluster.apps.order!.close();
    await shop.cluster.apps.session!.close();

    await page.reload();
    await page
      .locator('.cart')
      .getByRole('alert')
      .filter({ hasText: /could not be read/ })
      .waitFor();
    assert.equal(await page.locator('.cart').getByText('Empty').count(), 0);
    await page.getByRole('link', { name: 'Orders' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /could not be read/ })
      .waitFor();
    assert.equal(await page.getByText('No orders yet').count(), 0);
    await page.close();
  });
});
