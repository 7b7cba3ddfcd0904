import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { loggerOptions } from '../src/index.js';

test('secrets are redacted from log lines', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = pino(loggerOptions('auth', 'info'), sink);
  logger.info(
    {
      req: {
        headers: {
          authorization: 'Bearer secret-token',
          'x-internal-api-key': 'secret-key',
          cookie: 'sid=secret-cookie',
        },
      },
      body: { email: 'a@example.com', password: 'secret-password' },
    },
    'incoming',
  );
  const line = lines.join('');
  assert.match(line, /"service":"auth"/);
  assert.match(line, /a@example.com/);
  for (const secret of ['secret-token', 'secret-key', 'secret-cookie', 'secret-password']) {
    assert.doesNotMatch(line, new RegExp(secret));
  }
  assert.match(line, /\[redacted\]/);
});
