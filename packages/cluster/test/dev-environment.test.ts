import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireClusterLock } from '../src/cluster-lock.js';
import { loadDevEnvironment, rolePasswords } from '../src/dev-environment.js';
import { formatLogLine } from '../src/log-format.js';

test('local secrets are generated once into a private .env.local and kept; .env and the shell win', () => {
  const root = mkdtempSync(join(tmpdir(), 'dev-env-'));
  const first = loadDevEnvironment(root);
  assert.ok(first.INTERNAL_API_KEY!.length >= 32 && first.JWT_SECRET!.length >= 32);
  assert.equal(statSync(join(root, '.env.local')).mode & 0o777, 0o600);
  const second = loadDevEnvironment(root);
  assert.equal(second.JWT_SECRET, first.JWT_SECRET);

  writeFileSync(join(root, '.env'), 'LLM_MODEL=from-dot-env\nJWT_SECRET=from-dot-env-secret-that-is-long-enough\n');
  process.env.LLM_MODEL = 'from-shell';
  try {
    const third = loadDevEnvironment(root);
    assert.equal(third.JWT_SECRET, 'from-dot-env-secret-that-is-long-enough');
    assert.equal(third.LLM_MODEL, 'from-shell');
  } finally {
    delete process.env.LLM_MODEL;
  }
  assert.match(readFileSync(join(root, '.env.local'), 'utf8'), /^# Local development secrets/);
});

test('a secret the shell sets is used as it is and not written into .env.local', () => {
  const root = mkdtempSync(join(tmpdir(), 'dev-env-'));
  const secrets = ['INTERNAL_API_KEY', 'JWT_SECRET', 'POSTGRES_PASSWORD', 'DATABASE_ROLE_SECRET'];
  for (const name of secrets) process.env[name] = `${name.toLowerCase()}-from-the-shell`;
  try {
    assert.equal(loadDevEnvironment(root).JWT_SECRET, 'jwt_secret-from-the-shell');
    assert.ok(!existsSync(join(root, '.env.local')), 'nothing to generate: no file written');
  } finally {
    for (const name of secrets) delete process.env[name];
  }
});

test('each service role gets its own stable password', () => {
  const passwordFor = rolePasswords('secret');
  assert.equal(passwordFor('auth_service'), rolePasswords('secret')('auth_service'));
  assert.notEqual(passwordFor('auth_service'), passwordFor('product_service'));
});

test('a second cluster sees the lock of a running one; a dead holder does not count', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'lock-')), 'cluster.lock');
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
  try {
    writeFileSync(path, String(other.pid));
    assert.deepEqual(acquireClusterLock(path), { heldBy: other.pid });
  } finally {
    other.kill();
    await new Promise((resolve) => other.once('exit', resolve));
  }
  const lock = acquireClusterLock(path);
  assert.ok('release' in lock);
  assert.equal(readFileSync(path, 'utf8'), String(process.pid));
});

test('service log lines are shortened for the terminal', () => {
  const line = JSON.stringify({
    level: 30,
    time: '2026-11-21T22:00:01.000Z',
    msg: 'request completed',
    req: { method: 'GET', url: '/health' },
    res: { statusCode: 200 },
    responseTime: 1.234,
  });
  assert.equal(formatLogLine('product', line), 'product      22:00:01 info  request completed GET /health 200 1.2ms');
  assert.equal(formatLogLine('product', 'plain text'), 'product      plain text');
});
