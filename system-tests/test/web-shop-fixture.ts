import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { ensureWebBuild, workspaceRoot } from '@ecomm/cluster';
import { catalogFixture } from '@ecomm/evals';
import { internalHeaders, startTestCluster, useTestDatabase, useTestFixture } from '@ecomm/testing';
import { allServices } from './all-services.js';

// Debian's Chromium, never a downloaded browser.
const chromiumPath = '/usr/bin/chromium';

/** A call to a service's internal API: the answer's JSON, after asserting it is a 2xx. */
export async function internal<T>(url: string, path: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...internalHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status}`);
  return (await response.json()) as T;
}

/**
 * The whole cluster on loopback with the web app built and served by the orchestrator (offline model, the evals'
 * catalog), and Chromium to drive it; `orchestrator` adds settings. Made before this file's tests, stopped after.
 */
export function useWebShop(orchestrator: Record<string, string> = {}) {
  const database = useTestDatabase();
  return useTestFixture(
    async () => {
      assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
      const site = await ensureWebBuild(workspaceRoot());
      const cluster = await startTestCluster(allServices, database, {
        auth: { BCRYPT_ROUNDS: '4' },
        orchestrator: { LLM_PROVIDER: 'offline', WEB_DIST_DIR: site, ...orchestrator },
      });
      try {
        for (const product of catalogFixture) await internal(cluster.urls.product!, '/', 'POST', product);
        const browser = await chromium.launch({
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
        return { cluster, browser, base: cluster.urls.orchestrator! };
      } catch (error) {
        // Not started whole, so never stopped by the fixture: a cluster left listening would keep the file running.
        await cluster.stop();
        throw error;
      }
    },
    async ({ cluster, browser }) => {
      await browser.close();
      await cluster.stop();
    },
    database,
  );
}

/** How far the page scrolls sideways, in CSS pixels: 0 when everything fits the viewport's width. */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate<number>('Math.max(0, document.documentElement.scrollWidth - window.innerWidth)');

export async function register(page: Page, email: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct-horse');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
