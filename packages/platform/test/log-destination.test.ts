import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import pino from 'pino';
import { createLogDestination, serviceLoggerOptions } from '../src/logger.js';
import { serviceScript } from './service-script.js';

const folder = mkdtempSync(join(tmpdir(), 'log-destination-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

/** A logger writing to a file, and that file's lines so far. */
function fileLogger(flushEveryMs: number) {
  const path = join(folder, `${Math.random()}.log`);
  // Left open: the destination writes what still waits when this process exits.
  const options = serviceLoggerOptions('test', 'info', createLogDestination({ fd: openSync(path, 'w'), flushEveryMs }));
  const logger = pino(options, options.stream);
  const lines = () =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { logger, lines };
}

async function eventually(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within the time');
    await sleep(10);
  }
}

test('info lines wait in memory and are written together at the next flush', async () => {
  const { logger, lines } = fileLogger(50);
  logger.info('first');
  logger.info('second');
  assert.deepEqual(lines(), [], 'nothing is written per line');
  await eventually(() => lines().length === 2);
  assert.deepEqual(lines(), ['first', 'second']);
});

test('a warning is written at once, with the lines waiting before it', () => {
  const { logger, lines } = fileLogger(60_000);
  logger.info('before');
  logger.warn('careful');
  assert.deepEqual(lines(), ['before', 'careful']);
});

test('a full batch is written without waiting for the flush', () => {
  const { logger, lines } = fileLogger(60_000);
  for (let line = 0; line < 50; line++) logger.info({ padding: 'x'.repeat(100) }, `line ${line}`);
  assert.ok(lines().length >= 30, `${lines().length} lines written`);
});

// A child process that logs one line through the service logger (stdout), then exits in the given way.
const logThenExit = (exit: string) => `
  const { default: pino } = await import('pino');
  const { serviceLoggerOptions } = await import(${JSON.stringify(new URL('../src/logger.ts', import.meta.url).href)});
  const options = serviceLoggerOptions('child', 'info');
  pino(options, options.stream).info('the last line');
  ${exit};
`;

async function childOutput(exit: string, options: { readerGone?: boolean } = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', logThenExit(exit)],
    { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (options.readerGone) child.stdout.destroy();
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout };
}

test('a line written just before process.exit is not lost', async () => {
  const { code, stdout } = await childOutput('process.exit(0)');
  assert.equal(code, 0);
  assert.match(stdout, /"msg":"the last line"/);
});

test('a line written just before an uncaught error is not lost', async () => {
  const { code, stdout } = await childOutput(`throw new Error('crash')`);
  assert.equal(code, 1);
  assert.match(stdout, /"msg":"the last line"/);
});

test('a process whose log reader is gone still exits, its last lines dropped', async () => {
  const { code } = await childOutput('process.exit(0)', { readerGone: true });
  assert.equal(code, 0);
});

test('a service stopped by SIGTERM writes every line before it exits', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', serviceScript('logging')],
    {
      cwd: new URL('..', import.meta.url),
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        INTERNAL_API_KEY: 'test-internal-api-key-0123456789',
        JWT_SECRET: 'test-jwt-secret-that-is-at-least-32-characters',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      },
    },
  );
  const exited = once(child, 'exit');
  const lines: { msg: string; req?: { url: string } }[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const [last, ...complete] = (pending + String(chunk)).split('\n').reverse();
    pending = last ?? '';
    lines.push(...complete.reverse().map((line) => JSON.parse(line) as (typeof lines)[number]));
  });
  await eventually(() => lines.some((line) => line.msg.startsWith('Server listening')), 60_000);
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(lines.find((line) => line.msg.startsWith('Server listening'))!.msg)![0];
  assert.equal((await fetch(`${url}/not-a-route`)).status, 404);
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
  assert.ok(lines.some((line) => line.msg === 'request completed' && line.req?.url === '/not-a-route'));
  assert.equal(lines.at(-1)?.msg, 'shutting down');
});
