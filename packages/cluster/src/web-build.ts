import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/**
 * Builds the web app when web/dist is missing or older than its sources; resolves to the folder to serve. Vite runs
 * straight from where pnpm installed it (not through `pnpm build`, whose own start took a second), and `pnpm start`
 * bundles the services meanwhile.
 */
export async function ensureWebBuild(root: string, signal?: AbortSignal) {
  const web = join(root, 'web');
  const dist = join(web, 'dist');
  const built = join(dist, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json']
    .map((entry) => join(web, entry))
    .filter(existsSync);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestChange))) return dist;
  console.log('Building the web app (web/dist is missing or older than its sources)...');
  const vite = join(dirname(createRequire(join(web, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const build = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
    // `pnpm start` stopped meanwhile: Vite is stopped too, and the build rejects.
    ...(signal ? { signal } : {}),
  });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0) throw new Error('The web app did not build; see the output above');
  return dist;
}
