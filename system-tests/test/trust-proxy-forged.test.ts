import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useTestCluster } from '@ecomm/testing';
import { allServices } from './all-services.js';

// Behind a proxy (TRUST_PROXY=true, as .env.example suggests for an ingress), the per-IP login limit
// must not be reset by a client writing its own X-Forwarded-For.
const cluster = useTestCluster(allServices, {
  auth: { BCRYPT_ROUNDS: '4' },
  orchestrator: { LLM_PROVIDER: 'offline', RATE_LIMIT_AUTH: '3/minute', TRUST_PROXY: 'true' },
});

test('control: the same client address is limited (the limit is on)', async () => {
  const statuses: number[] = [];
  for (let guess = 0; guess < 5; guess++) {
    const response = await fetch(`${cluster.urls.orchestrator}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1, 198.51.100.7' },
      body: JSON.stringify({ email: 'victim@example.com', password: `control-${guess}` }),
    });
    statuses.push(response.status);
  }
  assert.ok(statuses.includes(429), statuses.join(','));
});

test('a forged X-Forwarded-For does not buy a password guesser more login attempts', async () => {
  const statuses: number[] = [];
  for (let guess = 0; guess < 6; guess++) {
    const response = await fetch(`${cluster.urls.orchestrator}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${guess}, 198.51.100.7` },
      body: JSON.stringify({ email: 'victim@example.com', password: `guess-number-${guess}` }),
    });
    statuses.push(response.status);
  }
  assert.ok(statuses.includes(429), `six guesses from one client, statuses ${statuses.join(',')}`);
});
