import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { serviceScript } from './service-script.js';

// `pnpm start` holds each service's stdin: a service run with STOP_WHEN_STDIN_CLOSES stops when its launcher is gone,
// even killed with SIGKILL. Here the test is the launcher.
function startService(stdin: 'pipe' | 'ignore') {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', serviceScript('watching')],
    {
      cwd: new URL('..', import.meta.url),
      stdio: [stdin, 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        INTERNAL_API_KEY: 'test-internal-api-key-0123456789',
        JWT_SECRET: 'test-jwt-secret-that-is-at-least-32-characters',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        STOP_WHEN_STDIN_CLOSES: 'true',
      },
    },
  );
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk));
  return { child, output: () => output, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
}

test('a service whose stdin closes (its launcher gone) stops as on SIGTERM', async () => {
  const { child, output, exited } = startService('pipe');
  while (!output().includes('Server listening')) {
    assert.equal(child.exitCode, null, output());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.stdin!.end();
  const [code] = await exited;
  assert.equal(code, 0, output());
  assert.match(output(), /"signal":"stdin closed".*"msg":"shutting down"/);
});

test('with a stdin that is no pipe (a container’s), the setting is refused at once, saying what to do', async () => {
  const { output, exited } = startService('ignore');
  const [code] = await exited;
  assert.equal(code, 1);
  assert.match(output(), /watching service cannot start\. STOP_WHEN_STDIN_CLOSES .* stdin is not a pipe\. Unset it\./);
  assert.doesNotMatch(output(), /Server listening/);
});
