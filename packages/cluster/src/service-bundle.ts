import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Metafile, Plugin } from 'esbuild';
import { abandonedAtAbort } from './processes.js';
import { serviceCatalog, type ServiceName } from './service-catalog.js';

/**
 * `pnpm start` runs each service from one file: esbuild's bundle of its TypeScript and the workspace packages' (their
 * `source` export), with its dependencies. Six services loading some 800 modules each on two cores spent most of the
 * start resolving, reading and compiling them; a bundle starts with about 40% less CPU time. Made from the sources, it
 * needs no `tsc -b` first (type checking is `pnpm typecheck`'s). Deployments (the Dockerfile) run what `tsc -b` wrote
 * to dist, and tests the sources through tsx: the bundle is a local artifact only, rebuilt whenever it could be stale.
 */
export const serviceBundle = (name: ServiceName) => `services/${name}/dist/bundle/server.js`;
const inputsFile = (root: string, name: ServiceName) => join(root, 'services', name, 'dist', 'bundle', 'inputs.json');

/**
 * Packages that find files next to their code through `__dirname`: Swagger UI's assets, pino's (thread-stream's) workers,
 * @fastify/swagger's package.json. They are bundled with `__dirname` set to where they are installed (loading them
 * from node_modules instead cost each service a fifth of its start-up CPU, resolving and compiling their many
 * modules). Named rather than found: reading every installed file through the plugin made bundling cost more.
 */
const packagesFindingTheirFiles =
  /[\\/]node_modules[\\/](@fastify[\\/]swagger-ui|@fastify[\\/]swagger|pino|thread-stream)[\\/].*\.c?js$/;

const installedPaths: Plugin = {
  name: 'installed-paths',
  setup(build) {
    build.onLoad({ filter: packagesFindingTheirFiles }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      const paths = `var __dirname = ${JSON.stringify(dirname(args.path))}, __filename = ${JSON.stringify(args.path)};`;
      // On the first line, so that lines still match the source maps; a shebang there would no longer be first.
      return { contents: `${paths} ${source.replace(/^#!.*/, '')}`, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** The bundler's own compiled code: a bundle made with other settings is stale. */
const bundlerCode = fileURLToPath(import.meta.url);

/** Anything that changes what a bundle would hold: its input files, and what pnpm installed. */
function isFresh(root: string, name: ServiceName) {
  const bundle = join(root, serviceBundle(name));
  if (!existsSync(bundle) || !existsSync(inputsFile(root, name))) return false;
  const inputs = JSON.parse(readFileSync(inputsFile(root, name), 'utf8')) as string[];
  const builtAt = statSync(bundle).mtimeMs;
  return [...inputs, bundlerCode, join(root, 'pnpm-lock.yaml'), join(root, 'node_modules', '.modules.yaml')].every(
    (path) => {
      const stats = statSync(path, { throwIfNoEntry: false });
      return stats !== undefined && stats.mtimeMs <= builtAt;
    },
  );
}

/** Every file a bundle was made from: its entry and all it imports, however deep (a build of several shares them). */
function importedFrom(metafile: Metafile, entry: string) {
  const found = new Set<string>();
  const pending = [entry];
  for (let input = pending.pop(); input !== undefined; input = pending.pop()) {
    const imports = metafile.inputs[input]?.imports;
    if (found.has(input) || !imports) continue;
    found.add(input);
    pending.push(...imports.filter((imported) => !imported.external).map(({ path }) => path));
  }
  return found;
}

/**
 * Cuts the maps down to the workspace's code (source-map-trim.ts) in a process of its own, which gives back the memory
 * their decoding takes when it exits. Its script sits beside this module: TypeScript under tsx (the tests, whose Node
 * options it inherits), JavaScript in the launcher's bundle (packages/cluster/start.mjs makes both).
 */
async function keepWorkspaceMappingsApart(mapPaths: string[], signal?: AbortSignal) {
  const script = join(dirname(bundlerCode), `keep-workspace-mappings${extname(bundlerCode)}`);
  await promisify(execFile)(process.execPath, [...process.execArgv, script, ...mapPaths], signal ? { signal } : {});
}

/**
 * Bundles the services whose bundle is missing or older than anything it was made from; returns their names. `signal`
 * stops esbuild, and the bundling rejects at once.
 */
export async function ensureServiceBundles(root: string, signal?: AbortSignal) {
  const stale = serviceCatalog.map(({ name }) => name).filter((name) => !isFresh(root, name));
  if (stale.length === 0) return stale;
  console.log(`Bundling the ${stale.join(', ')} service${stale.length > 1 ? 's' : ''} (their sources changed)...`);
  // Until a bundle's inputs are written anew, it is stale: one written but not finished (its map not yet cut, its
  // inputs those of the bundle before) must not pass for fresh after a stop or a crash.
  for (const name of stale) rmSync(inputsFile(root, name), { force: true });
  const esbuild = await import('esbuild');
  // A bundle is dated from when it began: a file saved while it was being made leaves it stale.
  const startedAt = new Date();
  try {
    signal?.throwIfAborted();
    // One build for all of them: the modules they share (Fastify, zod, pg...) are read and parsed once.
    const building = esbuild.build({
      entryPoints: stale.map((name) => ({
        in: join(root, 'services', name, 'src', 'server.ts'),
        out: serviceBundle(name).replace(/\.js$/, ''),
      })),
      outdir: root,
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source'],
      // pg's optional native driver is required only when asked for, and is not installed.
      external: ['pg-native'],
      plugins: [installedPaths],
      // Without the whitespace a service holds less source in memory (the orchestrator 8 MB less); names stay, and
      // the source map (kept to the workspace's code, source-map-trim.ts) gives the .ts lines in stack traces.
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'error',
      // The CommonJS packages inside an ES module still call require for Node's built-in modules.
      banner: {
        js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
      },
    });
    // esbuild.stop() ends its process but leaves a build under way unanswered for ever: the stop answers for it.
    const { metafile } = await abandonedAtAbort(building, signal, () => void esbuild.stop());
    await keepWorkspaceMappingsApart(
      stale.map((name) => join(root, `${serviceBundle(name)}.map`)),
      signal,
    );
    for (const name of stale) {
      // What pnpm installs changes only with the two files isFresh adds: the workspace's own files are to watch.
      const inputs = [...importedFrom(metafile, `services/${name}/src/server.ts`)]
        .filter((input) => !input.includes('node_modules/'))
        .map((input) => join(root, input));
      writeFileSync(inputsFile(root, name), JSON.stringify(inputs));
      utimesSync(join(root, serviceBundle(name)), startedAt, startedAt);
    }
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  } finally {
    await esbuild.stop();
  }
  return stale;
}

/**
 * What the `compiled` runtime runs: dist, brought up to date by an incremental `tsc -b` (quick when nothing changed).
 * Asynchronous, so that PostgreSQL starts beside it and a stop is heard at once (the signal stops the compiler).
 */
export async function buildDist(root: string, signal?: AbortSignal) {
  console.log('Building dist with tsc -b (tracing is on: the services run it unbundled)...');
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const compiling = spawn(process.execPath, [tsc, '-b'], {
    cwd: root,
    stdio: 'inherit',
    ...(signal ? { signal } : {}),
  });
  const [code] = (await once(compiling, 'exit')) as [number | null];
  signal?.throwIfAborted();
  if (code !== 0) {
    throw new Error(
      'tsc -b failed (its errors are above); fix them, or unset OTEL_EXPORTER_OTLP_ENDPOINT to start from the bundles.',
    );
  }
}
