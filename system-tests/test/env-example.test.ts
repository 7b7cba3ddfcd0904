import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { before, describe, test } from 'node:test';
import { serviceCatalog, type ServiceName } from '@ecomm/cluster';
import { loadConfig } from '@ecomm/platform';
import { testSecrets } from '@ecomm/testing';
import {
  composeFile,
  configKeys,
  envExampleLines,
  generatedSecretNames,
  referencedVariables,
  requiredKeys,
  serviceDefinitions,
  type AnyDefinition,
} from './deployment-sources.js';

const example = envExampleLines();
let definitions: Record<ServiceName, AnyDefinition>;
before(async () => {
  definitions = await serviceDefinitions();
});

describe('.env.example', () => {
  test('lists every variable any service reads', () => {
    for (const { name } of serviceCatalog) {
      for (const key of configKeys(definitions[name].configSchema))
        assert.ok(example.has(key), `${key} (read by ${name}) is in .env.example`);
    }
  });

  test('shows each setting with the default the service really uses', () => {
    for (const { name } of serviceCatalog) {
      const schema = definitions[name].configSchema;
      const minimal = { ...testSecrets, DATABASE_URL: 'postgres://unused@127.0.0.1/unused' };
      const defaults = loadConfig(schema, minimal) as Record<string, unknown>;
      const required = new Set(requiredKeys(schema));
      for (const key of configKeys(schema).filter((candidate) => !required.has(candidate))) {
        const shown = example.get(key);
        if (!shown) continue;
        const withShown = loadConfig(schema, { ...minimal, [key]: shown }) as Record<string, unknown>;
        assert.ok(
          isDeepStrictEqual(withShown[key], defaults[key]),
          `${name}: .env.example shows ${key}=${shown}, the default is ${JSON.stringify(defaults[key])}`,
        );
      }
    }
  });

  test('lists every secret docker compose requires, and the README one-liner generates each of them', () => {
    const compose = composeFile();
    const required = new Set(
      Object.values(compose.services)
        .flatMap((service) => Object.values(service.environment ?? {}))
        .flatMap((value) => referencedVariables(String(value)))
        .filter((variable) => variable.required)
        .map((variable) => variable.name),
    );
    assert.ok(required.has('INTERNAL_API_KEY'));
    const generated = new Set(generatedSecretNames());
    for (const name of required) {
      assert.ok(example.has(name), `${name} is in .env.example`);
      assert.ok(generated.has(name), `the README generates ${name}`);
    }
  });
});
