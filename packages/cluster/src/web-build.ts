import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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
  // Built aside (git-ignored) and then moved into place: a second build at the same time (`pnpm start` beside the
  // browser tests) never empties the folder the other is writing or serving from, so Vite's own lock, which would
  // fail the second, is bypassed.
  signal?.throwIfAborted();
  const staging = mkdtempSync(join(web, 'node_modules', '.web-build-'));
  // In a process group of its own, stopped as a whole when `pnpm start` is, and waited for: nothing of it outlives
  // the launcher.
  const ownGroup = process.platform !== 'win32';
  const build = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', staging, '--bypass-lock'], {
    cwd: web,
    stdio: 'inherit',
    detached: ownGroup,
  });
  const stop = () => {
    try {
      if (ownGroup) process.kill(-build.pid!, 'SIGTERM');
      else build.kill();
    } catch {
      // It has just exited by itself.
    }
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const [code] = (await once(build, 'exit')) as [number | null];
    signal?.throwIfAborted();
    if (code !== 0) throw new Error('The web app did not build; see the output above');
    rmSync(dist, { recursive: true, force: true });
    try {
      renameSync(staging, dist);
    } catch (error) {
      // The other build moved its own, identical, output in first.
      if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    rmSync(staging, { recursive: true, force: true });
  }
  return dist;
}
