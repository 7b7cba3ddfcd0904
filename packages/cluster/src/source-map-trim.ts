import { readFileSync, writeFileSync } from 'node:fs';
import { SourceMapConsumer, SourceMapGenerator, type RawSourceMap } from 'source-map-js';

/**
 * Keeps a bundle's source map to the workspace's own code. The services run with --enable-source-maps, which makes
 * Node parse the whole map as a service starts: the orchestrator's full map (4.6 MB, 96% of it installed packages)
 * cost it about 1 s of CPU and 95 MB more memory. Our .ts lines are what a stack trace needs; a frame inside an
 * installed package keeps the bundle's position (its function names stay, the bundle keeps them).
 */
export function keepWorkspaceMappings(mapPath: string) {
  const raw = JSON.parse(readFileSync(mapPath, 'utf8')) as RawSourceMap;
  const consumer = new SourceMapConsumer(raw);
  const trimmed = new SourceMapGenerator({ file: raw.file, skipValidation: true });
  let inWorkspace = false;
  consumer.eachMapping((mapping) => {
    const generated = { line: mapping.generatedLine, column: mapping.generatedColumn };
    const { source, originalLine, originalColumn } = mapping;
    const ours =
      source !== null && originalLine !== null && originalColumn !== null && !source.includes('node_modules');
    if (ours) {
      trimmed.addMapping({
        generated,
        original: { line: originalLine, column: originalColumn },
        source,
        ...(mapping.name ? { name: mapping.name } : {}),
      });
    } else if (inWorkspace) {
      // Where a package's code follows ours on a line: a position there must not be taken for the .ts before it.
      trimmed.addMapping({ generated });
    }
    inWorkspace = ours;
  });
  writeFileSync(mapPath, trimmed.toString());
}
