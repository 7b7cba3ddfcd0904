import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createJudge, judgeSettingsFrom } from '../src/judge.js';
import { startFakeJudge, type CompletionRequest } from './fake-openai.js';
import { sampleCase, sampleObservation } from './sample-case.js';

let fake: Awaited<ReturnType<typeof startFakeJudge>>;
// The fake judge passes a reply only if it mentions the total; so it agrees with one reply and not another.
const verdictFor = (request: CompletionRequest) =>
  (request.messages.at(-1)!.content ?? '').includes('Total paid: $2,000.00')
    ? { reasoning: 'The reply confirms one MacBook Pro and the $2,000.00 total, as the facts show.', verdict: 'pass' }
    : { reasoning: 'The reply claims a discount that the facts do not show.', verdict: 'fail' };

before(async () => {
  fake = await startFakeJudge(verdictFor);
});
after(() => fake.close());

describe('the judge against an OpenAI-compatible endpoint', () => {
  test('agrees with a reply that meets the expected behaviour, asked at temperature 0 for reasoning then verdict', async () => {
    const judge = createJudge({ model: 'judge-model', apiKey: 'sk-test', baseUrl: fake.baseUrl });
    const verdict = await judge.grade(sampleCase(), sampleObservation());
    assert.deepEqual(verdict, {
      reasoning: 'The reply confirms one MacBook Pro and the $2,000.00 total, as the facts show.',
      verdict: 'pass',
    });

    const request = fake.requests.at(-1)!;
    assert.equal(request.model, 'judge-model');
    assert.equal(request.temperature, 0);
    assert.equal(request.response_format?.type, 'json_schema');
    assert.deepEqual(Object.keys(request.response_format!.json_schema!.schema.properties), ['reasoning', 'verdict']);
    assert.equal(request.messages[0]!.role, 'system');
    const prompt = request.messages[1]!.content ?? '';
    assert.match(prompt, /Expected behaviour:\nBuys one MacBook Pro and confirms the paid order of \$2,000\.00\./);
    assert.match(prompt, /Turn 1, shopper: Buy a MacBook Pro\nHTTP 200\. Assistant: Order placed and paid:/);
    assert.match(
      prompt,
      /- shopper: orders: paid order of \$2,000\.00 for 1 × MacBook Pro; payments: captured payment of \$2,000\.00; cart: nothing/,
    );
    assert.match(prompt, /- stock: MacBook Pro 10 → 9, Keychain 100 → 100/);
  });

  test('disagrees with a reply that does not, and gives its reason', async () => {
    const observation = sampleObservation();
    observation.turns[0]!.response = 'Done! I gave you 50% off, enjoy your MacBook Pro.';
    const judge = createJudge({ model: 'judge-model', apiKey: 'sk-test', baseUrl: fake.baseUrl });
    assert.deepEqual(await judge.grade(sampleCase(), observation), {
      reasoning: 'The reply claims a discount that the facts do not show.',
      verdict: 'fail',
    });
  });

  test('can ask through function calling for servers without JSON schema support', async () => {
    const judge = createJudge({ model: 'judge-model', baseUrl: fake.baseUrl, method: 'functionCalling' });
    assert.equal((await judge.grade(sampleCase(), sampleObservation())).verdict, 'pass');
    const request = fake.requests.at(-1)!;
    assert.equal(request.tools?.[0]?.function.name, 'grade');
    assert.deepEqual(Object.keys(request.tools![0]!.function.parameters?.properties ?? {}), ['reasoning', 'verdict']);
  });
});

describe('judgeSettingsFrom', () => {
  test('needs JUDGE_MODEL and a key or an endpoint, preferring the JUDGE_ ones', () => {
    assert.deepEqual(judgeSettingsFrom({ OPENAI_API_KEY: 'sk-a' }), { disabled: 'JUDGE_MODEL is not set' });
    assert.match(
      (judgeSettingsFrom({ JUDGE_MODEL: 'gpt-4o' }) as { disabled: string }).disabled,
      /neither JUDGE_API_KEY/,
    );
    assert.deepEqual(judgeSettingsFrom({ JUDGE_MODEL: 'gpt-4o', OPENAI_API_KEY: 'sk-a', JUDGE_API_KEY: 'sk-j' }), {
      settings: { model: 'gpt-4o', apiKey: 'sk-j' },
    });
    assert.deepEqual(
      judgeSettingsFrom({
        JUDGE_MODEL: 'llama3.1',
        OPENAI_BASE_URL: 'http://o/v1',
        JUDGE_STRUCTURED_OUTPUT: 'jsonMode',
      }),
      {
        settings: { model: 'llama3.1', baseUrl: 'http://o/v1', method: 'jsonMode' },
      },
    );
    assert.throws(
      () => judgeSettingsFrom({ JUDGE_MODEL: 'm', JUDGE_API_KEY: 'k', JUDGE_STRUCTURED_OUTPUT: 'xml' }),
      /must be one of/,
    );
  });
});
