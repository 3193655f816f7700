import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.ts';

it('defaults: port 9000, ./data, us-east-1, virtual-hosted under localhost', () => {
  const c = loadConfig({});
  assert.deepEqual([c.s3Port, c.dataDir, c.region, c.domains], [9000, './data', 'us-east-1', ['localhost']]);
});

it('VAULTX_DOMAINS: a trimmed, lowercased list; empty turns it off; a non-domain is refused', () => {
  assert.deepEqual(loadConfig({ VAULTX_DOMAINS: ' S3.Example.com , localhost ' }).domains, ['s3.example.com', 'localhost']);
  assert.deepEqual(loadConfig({ VAULTX_DOMAINS: '' }).domains, []);
  assert.throws(() => loadConfig({ VAULTX_DOMAINS: 'bad domain' }), ConfigError);
});

it('bad values are refused with the variable named; root keys go in pairs', () => {
  assert.throws(() => loadConfig({ VAULTX_S3_PORT: 'x' }), /VAULTX_S3_PORT/);
  assert.throws(() => loadConfig({ VAULTX_REGION: 'US EAST' }), /VAULTX_REGION/);
  assert.throws(() => loadConfig({ VAULTX_ROOT_ACCESS_KEY: 'AKIAEXAMPLE' }), /both/);
});

it('every variable .env.example documents parses as written there', () => {
  const text = readFileSync(fileURLToPath(new URL('../../../.env.example', import.meta.url)), 'utf8');
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(VAULTX_[A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  assert.ok(Object.keys(env).length >= 20, 'too few variables found in .env.example');
  const c = loadConfig(env);
  assert.equal(c.bodyIdleTimeoutMs, 20_000);
});
