import { readFileSync, writeFileSync } from 'node:fs';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

interface SourceMap {
  sources: string[];
  names: string[];
  mappings: string;
}

/** Keeps the entries of `list` that segments use, renumbered in order of first use. */
function renumber(list: string[]) {
  const kept: string[] = [];
  const indexes = new Map<number, number>();
  const use = (index: number) => {
    let renumbered = indexes.get(index);
    if (renumbered === undefined) {
      renumbered = kept.push(list[index]!) - 1;
      indexes.set(index, renumbered);
    }
    return renumbered;
  };
  return { kept, use };
}

/**
 * Keeps a bundle's source map to the workspace's own code. The services run with --enable-source-maps, which makes
 * Node parse the whole map as a service starts: the orchestrator's full map (4.6 MB, 96% of it installed packages)
 * cost it about 1 s of CPU and 95 MB more memory. Our .ts lines are what a stack trace needs; a frame inside an
 * installed package keeps the bundle's position (its function names stay, the bundle keeps them).
 */
export function keepWorkspaceMappings(mapPath: string) {
  const map = JSON.parse(readFileSync(mapPath, 'utf8')) as SourceMap;
  const ours = map.sources.map((source) => !source.includes('node_modules'));
  const sources = renumber(map.sources);
  const names = renumber(map.names);
  const lines = decode(map.mappings).map((segments) => {
    const kept: SourceMapSegment[] = [];
    let inWorkspace = false;
    for (const segment of segments) {
      if (segment.length === 1) continue;
      const [column, source, line, sourceColumn, name] = segment;
      if (ours[source]) {
        const mapped: SourceMapSegment = [column, sources.use(source), line, sourceColumn];
        kept.push(name === undefined ? mapped : [...mapped, names.use(name)]);
      } else if (inWorkspace) {
        // Where a package's code follows ours on a line, its positions must not be taken for the .ts before them.
        kept.push([column]);
      }
      inWorkspace = ours[source]!;
    }
    return kept;
  });
  writeFileSync(mapPath, JSON.stringify({ ...map, sources: sources.kept, names: names.kept, mappings: encode(lines) }));
}
