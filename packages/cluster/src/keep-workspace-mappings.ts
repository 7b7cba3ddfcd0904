import { keepWorkspaceMappings } from './source-map-trim.js';

// Run in a process of its own by service-bundle.ts, with the maps' paths as arguments: decoding a map takes some
// 150 MB of memory, which the launcher, alive as long as the cluster, would otherwise keep.
for (const mapPath of process.argv.slice(2)) keepWorkspaceMappings(mapPath);
