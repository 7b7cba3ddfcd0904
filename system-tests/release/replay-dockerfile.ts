import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { dockerfileInstructions, root } from '../test/deployment-sources.js';

/**
 * The Dockerfile's build stage, replayed outside Docker: its own RUN lines, run by bash in a copy of the
 * build context, so the release tree is what the image gets and cannot drift from it. The Dockerfile is
 * the one list of what goes into the image; this only maps its absolute paths into a scratch folder.
 */
export interface ReplayedBuild {
  /** The final stage's /app: what `COPY --from=build /release ./` copies. */
  releaseFolder: string;
  /** The final stage's ENV, e.g. NODE_ENV=production. */
  runtimeEnvironment: Record<string, string>;
  /** ENTRYPOINT + CMD's first part: ["node"]. */
  entrypoint: string[];
}

/** The files `COPY . .` sends: what git tracks or would track, minus .dockerignore's patterns. */
function buildContext() {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('!'));
  const matchers = ignored.map(
    (pattern) =>
      new RegExp(`^${pattern.replaceAll('.', '\\.').replaceAll('**/', '(.*/)?').replaceAll('*', '[^/]*')}(/|$)`),
  );
  return files.filter((file) => !matchers.some((matcher) => matcher.test(file)) || file === '.env.example');
}

function copyFromContext(sources: string[], destination: string) {
  for (const source of sources) {
    const files = source === '.' ? buildContext() : [source];
    for (const file of files) {
      // As Docker does: a folder's contents go into the destination, a file goes into it under its own path.
      const target = statSync(join(root, file)).isDirectory() ? destination : join(destination, file);
      mkdirSync(dirname(target), { recursive: true });
      cpSync(join(root, file), target, { recursive: true });
    }
  }
}

const jsonArray = (text: string) => JSON.parse(text) as string[];

export function replayDockerfile(scratch: string, log: (line: string) => void): ReplayedBuild {
  const instructions = dockerfileInstructions();
  const finalStage = Math.max(...instructions.map(({ stage }) => stage));
  const folders: Record<string, string> = {
    '/release': join(scratch, 'release'),
    '/build': join(scratch, 'build'),
    '/app': join(scratch, 'release'),
  };
  const mapPaths = (text: string) => text.replace(/(?<![\w.])\/(release|build|app)\b/g, (path) => folders[path]!);
  const environment: Record<string, string> = { ...process.env } as Record<string, string>;
  const runtimeEnvironment: Record<string, string> = {};
  let workdir = scratch;
  let entrypoint: string[] = [];

  for (const { instruction, args, stage } of instructions) {
    if (stage === finalStage) {
      if (instruction === 'ENV') Object.assign(runtimeEnvironment, Object.fromEntries([args.split('=')]));
      if (instruction === 'ENTRYPOINT') entrypoint = jsonArray(args);
      continue; // The final stage only copies /release to /app: the same folder here.
    }
    if (instruction === 'ENV') {
      const [name, value] = args.split('=') as [string, string];
      environment[name] = value;
    } else if (instruction === 'WORKDIR') {
      workdir = mapPaths(args);
      mkdirSync(workdir, { recursive: true });
    } else if (instruction === 'COPY') {
      const parts = args.split(/\s+/);
      copyFromContext(parts.slice(0, -1), join(workdir, parts.at(-1)!));
    } else if (instruction === 'RUN') {
      // The global pnpm install is the image's; here the pnpm that runs this is the same pinned version.
      if (args.startsWith('npm install --global pnpm@')) continue;
      if (!workdir.startsWith(scratch + sep)) throw new Error(`refusing to run "${args}" outside ${scratch}`);
      const started = Date.now();
      try {
        execFileSync('bash', ['-euo', 'pipefail', '-c', mapPaths(args)], {
          cwd: workdir,
          env: environment,
          stdio: 'pipe',
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
        throw new Error(`RUN ${args} failed:\n${String(stdout ?? '')}${String(stderr ?? '')}`, { cause: error });
      }
      log(`RUN ${args.slice(0, 100)} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }
  const releaseFolder = folders['/release']!;
  // COPY --from leaves the files root's; USER node cannot write them. Read-only for everyone here too.
  execFileSync('chmod', ['-R', 'a-w', releaseFolder]);
  chmodSync(scratch, 0o755);
  log(`release tree: ${relative(scratch, releaseFolder)}`);
  return { releaseFolder, runtimeEnvironment, entrypoint };
}
