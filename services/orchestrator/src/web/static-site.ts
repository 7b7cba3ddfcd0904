import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { ServiceApp } from '@ecomm/platform';

/**
 * The built web app (web/dist) at `/`: one origin for the page and the API. Its files are public; every API
 * route keeps its own path and access rule.
 */
export async function staticSite(app: ServiceApp, options: { root: string }) {
  if (!existsSync(options.root)) {
    app.log.warn({ root: options.root }, 'WEB_DIST_DIR does not exist; the web app is not served (run pnpm --filter @ecomm/web build)');
    return;
  }
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'public' };
  });
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    wildcard: true,
    cacheControl: false,
    // Built assets have hashed names and may be cached; the page itself is checked each time, so a rebuild shows.
    setHeaders: (response, path) => response.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
}
