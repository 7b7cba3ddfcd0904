import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

/** Builds the web app when web/dist is missing or older than its sources; returns the folder to serve. */
export function ensureWebBuild(root: string) {
  const web = join(root, 'web');
  const dist = join(web, 'dist');
  const built = join(dist, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json']
    .map((entry) => join(web, entry))
    .filter(existsSync);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.map(newestChange))) return dist;
  console.log('Building the web app (web/dist is missing or older than its sources)...');
  const build = spawnSync('pnpm', ['--filter', '@ecomm/web', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('The web app did not build; see the output above');
  return dist;
}
