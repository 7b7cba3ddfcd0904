import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '@ecomm/platform';
import { orchestratorConfigSchema } from '../src/config.js';

const required = {
  INTERNAL_API_KEY: 'an-internal-key-long-enough',
  JWT_SECRET: 'a-jwt-secret-of-at-least-thirty-two-chars',
  DATABASE_URL: 'postgres://user:password@localhost:5432/shop',
};

test('without a key or endpoint the agents use the offline model; with one, the OpenAI-compatible client', () => {
  assert.equal(loadConfig(orchestratorConfigSchema, required).LLM_PROVIDER, 'offline');
  assert.equal(loadConfig(orchestratorConfigSchema, { ...required, OPENAI_API_KEY: 'sk-test' }).LLM_PROVIDER, 'openai');
  assert.equal(
    loadConfig(orchestratorConfigSchema, { ...required, OPENAI_BASE_URL: 'http://localhost:11434/v1' }).LLM_PROVIDER,
    'openai',
  );
});

test('LLM_PROVIDER=openai without a key or endpoint stops the start, naming the variable', () => {
  assert.throws(
    () => loadConfig(orchestratorConfigSchema, { ...required, LLM_PROVIDER: 'openai' }),
    /OPENAI_API_KEY: is required when LLM_PROVIDER=openai/,
  );
});

test('saga timings that would let a live run look orphaned are refused', () => {
  assert.throws(
    () => loadConfig(orchestratorConfigSchema, { ...required, SAGA_HEARTBEAT_MS: '5000', SAGA_STALE_AFTER_MS: '8000' }),
    /SAGA_STALE_AFTER_MS: must be more than twice SAGA_HEARTBEAT_MS/,
  );
  assert.equal(
    loadConfig(orchestratorConfigSchema, { ...required, SAGA_HEARTBEAT_MS: '100', SAGA_STALE_AFTER_MS: '1000' })
      .SAGA_STALE_AFTER_MS,
    1000,
  );
});
