import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseConfigSchema, ConfigError, loadConfig, rateLimitSchema } from '../src/index.js';

const valid = {
  INTERNAL_API_KEY: 'an-internal-key-long-enough',
  JWT_SECRET: 'a-jwt-secret-of-at-least-thirty-two-chars',
  DATABASE_URL: 'postgres://user:password@localhost:5432/shop',
};

test('a valid environment parses with defaults filled in', () => {
  const config = loadConfig(baseConfigSchema, valid);
  assert.equal(config.LOG_LEVEL, 'info');
  assert.equal(config.MIGRATE_ON_START, true);
  assert.equal(config.DATABASE_POOL_MAX, 10);
});

test('a missing variable stops the start naming it', () => {
  const { INTERNAL_API_KEY: _omitted, ...withoutKey } = valid;
  assert.throws(
    () => loadConfig(baseConfigSchema, withoutKey),
    (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /INTERNAL_API_KEY: is required/);
      return true;
    },
  );
});

test('an empty variable counts as missing', () => {
  assert.throws(() => loadConfig(baseConfigSchema, { ...valid, JWT_SECRET: '' }), /JWT_SECRET: is required/);
});

test('a variable of the wrong type is told as such, not as missing', () => {
  assert.throws(
    () => loadConfig(baseConfigSchema, { ...valid, DATABASE_POOL_MAX: 'ten' }),
    (error: Error) => {
      assert.match(error.message, /DATABASE_POOL_MAX: Invalid input: expected number/);
      assert.doesNotMatch(error.message, /required/);
      return true;
    },
  );
});

test('a JWT secret shorter than 32 characters is refused', () => {
  assert.throws(
    () => loadConfig(baseConfigSchema, { ...valid, JWT_SECRET: 'too-short' }),
    /JWT_SECRET: must be at least 32 characters/,
  );
});

test('every bad variable is named at once', () => {
  assert.throws(
    () =>
      loadConfig(baseConfigSchema, { ...valid, DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', MIGRATE_ON_START: 'yes' }),
    (error: Error) => {
      assert.match(error.message, /DATABASE_URL: must be a postgres:\/\/ connection URL/);
      assert.match(error.message, /LOG_LEVEL/);
      assert.match(error.message, /MIGRATE_ON_START/);
      return true;
    },
  );
});

test('rate limits read as count per window', () => {
  assert.deepEqual(rateLimitSchema.parse('30/minute'), { max: 30, windowMs: 60_000 });
  assert.deepEqual(rateLimitSchema.parse('5/second'), { max: 5, windowMs: 1_000 });
  assert.equal(rateLimitSchema.safeParse('30 per minute').success, false);
});
