import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { ServiceApp } from '@ecomm/platform';

/**
 * The web app the release image carries at web/dist beside services/ (see the Dockerfile), found from this module's
 * own folder whether it runs compiled (dist/src/web) or from source (src/web).
 */
export function bundledWebDist(): string | undefined {
  for (let folder = dirname(fileURLToPath(import.meta.url)), depth = 0; depth < 6; folder = dirname(folder), depth++) {
    const candidate = join(folder, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

// Far longer than any path of the built web app, and within what every file system takes: 255 bytes a name (a part of
// the address is at least as long as the name it decodes to) and a few thousand a path.
const maximumNameLength = 255;
const maximumWebPathLength = 1024;

/**
 * The built web app (web/dist) at `/`: one origin for the page and the API. Its files are public; every API
 * route keeps its own path and access rule.
 */
export async function staticSite(app: ServiceApp, options: { root: string }) {
  if (!existsSync(options.root)) {
    app.log.warn(
      { root: options.root },
      'WEB_DIST_DIR does not exist; the web app is not served (run pnpm --filter @ecomm/web build)',
    );
    return;
  }
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'public' };
  });
  // The catch-all also takes what no route matched because a part is too long for the router (an id in /orders/:id),
  // and the file system would refuse such a name with a bare 403 "Forbidden". No file of the web app has a name that
  // long: the not-found handler answers it (a 414 for a part too long for any route).
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path.length > maximumWebPathLength || path.split('/').some((part) => part.length > maximumNameLength)) {
      reply.callNotFound();
      return reply;
    }
  });
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    wildcard: true,
    cacheControl: false,
    // Built assets have hashed names and may be cached; the page itself is checked each time, so a rebuild shows.
    setHeaders: (response, path) =>
      response.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
}
