import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { spawnService } from '../src/launch.js';
import { isRunning, procStat } from '../src/processes.js';
import { ensureServiceBundles, serviceBundle } from '../src/service-bundle.js';
import { serviceCatalog, type ServiceName } from '../src/service-catalog.js';

// A workspace of six one-line services in TypeScript sharing one workspace package, which pnpm links into
// node_modules and which exports its TypeScript under the `source` condition (its dist is never built); everything is
// dated a minute back so that a bundle made now is newer.
const root = mkdtempSync(join(tmpdir(), 'service-bundle-'));
after(() => rmSync(root, { recursive: true, force: true }));
const services = serviceCatalog.map(({ name }) => name);
const shared = join(root, 'packages', 'shared', 'src', 'index.ts');

/** Writes a file dated `secondsFromNow` (0: now, after the bundles made a moment ago). */
function write(path: string, text: string, secondsFromNow: number) {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  const when = new Date(Date.now() + secondsFromNow * 1000);
  utimesSync(path, when, when);
}

write(shared, "export const version: string = 'v1';\n", -60);
const sharedExports = { '.': { source: './src/index.ts', default: './dist/index.js' } };
write(
  join(root, 'packages', 'shared', 'package.json'),
  JSON.stringify({ name: '@fixture/shared', type: 'module', exports: sharedExports }),
  -60,
);
mkdirSync(join(root, 'node_modules', '@fixture'), { recursive: true });
symlinkSync(join(root, 'packages', 'shared'), join(root, 'node_modules', '@fixture', 'shared'));
write(join(root, 'pnpm-lock.yaml'), 'lockfileVersion: 9\n', -60);
write(join(root, 'node_modules', '.modules.yaml'), '{}\n', -60);
for (const name of services) {
  const server = `import { version } from '@fixture/shared';\nconst name: string = '${name}';\nconsole.log(version, name);\n`;
  write(join(root, 'services', name, 'src', 'server.ts'), server, -60);
}

// A package (pino, for the bundler) that reads a file next to its code, as Swagger UI and the real pino do.
const greetingPackage = `#!/usr/bin/env node
const { readFileSync } = require('node:fs');
module.exports = readFileSync(require('node:path').join(__dirname, 'greeting.txt'), 'utf8');
`;

const run = (name: ServiceName) =>
  execFileSync(process.execPath, [join(root, serviceBundle(name))], { encoding: 'utf8' });

test('pnpm start bundles each service from its TypeScript once, and again only when something it was made from changed', async () => {
  assert.deepEqual(await ensureServiceBundles(root), services, 'no bundles yet: all six are made');
  assert.equal(run('order'), 'v1 order\n');
  assert.deepEqual(await ensureServiceBundles(root), [], 'nothing changed: none is made again');

  write(join(root, 'services', 'order', 'src', 'server.ts'), "console.log('order v2' as string);\n", 0);
  assert.deepEqual(await ensureServiceBundles(root), ['order'], "only the changed service's bundle is stale");
  assert.equal(run('order'), 'order v2\n');

  write(shared, "export const version: string = 'v3';\n", 0);
  assert.deepEqual(
    await ensureServiceBundles(root),
    services.filter((name) => name !== 'order'),
    'a module the others share changed; order no longer imports it',
  );
  assert.equal(run('payment'), 'v3 payment\n');

  write(join(root, 'node_modules', 'pino', 'index.js'), greetingPackage, 0);
  write(join(root, 'node_modules', 'pino', 'greeting.txt'), 'hello from next to the package', 0);
  write(
    join(root, 'services', 'auth', 'src', 'server.ts'),
    "import greeting from 'pino';\nconsole.log(greeting as string);\n",
    0,
  );
  write(join(root, 'pnpm-lock.yaml'), 'lockfileVersion: 9\n# changed\n', 0);
  assert.deepEqual(await ensureServiceBundles(root), services, 'new dependencies: every bundle is made again');
  assert.equal(
    run('auth'),
    'hello from next to the package\n',
    "a bundled package's __dirname is where it is installed",
  );
});

test("a bundled service's stack trace names its TypeScript file and line", async () => {
  const failing = 'function fail(): never {\n  throw new Error("boom");\n}\nfail();\n';
  write(join(root, 'services', 'session', 'src', 'server.ts'), failing, 0);
  await ensureServiceBundles(root);
  const child = spawnService(root, 'session', {}, 'bundled');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await once(child, 'exit');
  assert.match(stderr, /at fail \(.*services\/session\/src\/server\.ts:2:\d+\)/);

  // The map keeps the workspace's code only: the auth bundle holds the installed `pino` fixture too.
  const { sources } = JSON.parse(readFileSync(join(root, `${serviceBundle('auth')}.map`), 'utf8')) as {
    sources: string[];
  };
  assert.deepEqual(sources, ['../../src/server.ts']);
});

test('a stop while bundling rejects, and what it was bundling is bundled again by the next start', async () => {
  write(join(root, 'services', 'payment', 'src', 'server.ts'), "console.log('payment v9' as string);\n", 0);
  const stop = new AbortController();
  const bundling = ensureServiceBundles(root, stop.signal);
  stop.abort();
  await assert.rejects(bundling, { name: 'AbortError' });
  assert.deepEqual(await ensureServiceBundles(root), ['payment'], 'the stopped bundle is still stale');
  assert.equal(run('payment'), 'payment v9\n');
});

/**
 * The bundler's esbuild services this test process started. tsx, which loads the test, runs an esbuild of its own
 * version beside them.
 */
async function bundlerEsbuildChildren() {
  const service = `--service=${(await import('esbuild')).version}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid);
      if (stat?.name !== 'esbuild' || Number(stat.fields[1]) !== process.pid || !isRunning(pid)) return false;
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(service);
      } catch {
        return false; // gone between being listed and being read
      }
    });
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); await sleep(5)) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
  }
}

test(
  "a stop in the middle of esbuild's build ends esbuild at once, writes no bundle, and leaves it to be made again",
  { skip: process.platform !== 'linux' && 'reads /proc' },
  async () => {
    // A module big enough that esbuild takes a while over it: the stop comes while it is at work.
    const statements = Array.from({ length: 150_000 }, (_, index) => `export const value${index}: number = ${index};`);
    write(join(root, 'services', 'order', 'src', 'big.ts'), statements.join('\n'), 0);
    write(
      join(root, 'services', 'order', 'src', 'server.ts'),
      "import * as big from './big.js';\nconsole.log('order v10', Object.keys(big).length);\n",
      0,
    );
    const bundle = join(root, serviceBundle('order'));
    const before = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
    // The earlier tests' esbuild may still be on its way out: the one to stop must be this bundling's.
    await until(async () => (await bundlerEsbuildChildren()).length === 0, 'the earlier esbuild to exit');
    const stop = new AbortController();
    const bundling = ensureServiceBundles(root, stop.signal);
    await until(async () => (await bundlerEsbuildChildren()).length > 0, 'esbuild to start');
    stop.abort();
    await assert.rejects(bundling, { name: 'AbortError' });
    // Sent SIGTERM by the stop, esbuild is gone within moments (a loaded machine may take a few hundred ms to run it).
    await until(async () => (await bundlerEsbuildChildren()).length === 0, 'esbuild to be stopped', 2_000);
    assert.equal(existsSync(bundle) ? statSync(bundle).mtimeMs : 0, before, 'no bundle was written');
    assert.deepEqual(await ensureServiceBundles(root), ['order'], 'the next start bundles it');
    assert.equal(run('order'), 'order v10 150000\n');
  },
);
