// A secret set as a name and a value side by side went out (2026-12-07): Kubernetes' and ECS's
// environment entries `{"name":"DB_PASSWORD","value":"hunter2"}` (a logged manifest or task
// definition, `kubectl get pod -o yaml`), util.inspect's `{ name: 'API_TOKEN', value: '…' }`,
// CloudFormation's `"ParameterKey":"DbPassword","ParameterValue":"…"`. The secret name is a value,
// so no `name=value` rule saw it.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a secret set as a name and a value', () => {
  it.each([
    ['{"name":"DB_PASSWORD","value":"hunter2"}', `{"name":"DB_PASSWORD","value":"${R}"}`],
    ["{ name: 'API_TOKEN', value: 'hunter2' }", `{ name: 'API_TOKEN', value: '${R}' }`],
    [
      '"env":[{"name":"DB_HOST","value":"db"},{"name":"DB_PASSWORD","value":"hunter2"}]',
      `"env":[{"name":"DB_HOST","value":"db"},{"name":"DB_PASSWORD","value":"${R}"}]`,
    ],
    [
      '"ParameterKey":"DbPassword","ParameterValue":"hunter2"',
      `"ParameterKey":"DbPassword","ParameterValue":"${R}"`,
    ],
    ['{"Name":"dbPassword","Value":"hunter2"}', `{"Name":"dbPassword","Value":"${R}"}`],
    ['{"key":"GITHUB_TOKEN","value":"a\\"b"}', `{"key":"GITHUB_TOKEN","value":"${R}"}`],
    // YAML: the value on the next line, quoted or not.
    [
      '- name: DB_PASSWORD\n  value: hunter2 x\n- name: DB_HOST\n  value: db',
      `- name: DB_PASSWORD\n  value: ${R}\n- name: DB_HOST\n  value: db`,
    ],
    ['- name: "API_KEY"\n  value: "abc"', `- name: "API_KEY"\n  value: "${R}"`],
    // Cut short: the rest of the line.
    ['{"name":"DB_PASSWORD","value":"hunter2', `{"name":"DB_PASSWORD","value":"${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Names that are no secret, a secret given by reference, an empty value.
    '{"name":"DB_HOST","value":"db.internal"}',
    '{"name":"password_policy","value":"strict"}',
    '{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"pw"}}}',
    '{"name":"DB_PASSWORD","value":""}',
    '{ name: "cache_key", value: "v1" }',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // The reverse order, value first (2026-12-07: went out): JSON, util.inspect, YAML, CloudFormation.
  it.each([
    ['{"value":"hunter2","name":"DB_PASSWORD"}', `{"value":"${R}","name":"DB_PASSWORD"}`],
    ["{ value: 'hunter2', name: 'API_TOKEN' }", `{ value: '${R}', name: 'API_TOKEN' }`],
    [
      '- value: hunter2 x\n  name: DB_PASSWORD\n- value: db\n  name: DB_HOST',
      `- value: ${R}\n  name: DB_PASSWORD\n- value: db\n  name: DB_HOST`,
    ],
    [
      '"ParameterValue":"x","ParameterKey":"DbPassword"',
      `"ParameterValue":"${R}","ParameterKey":"DbPassword"`,
    ],
    ['{"value":"a\\"b","key":"GITHUB_TOKEN"}', `{"value":"${R}","key":"GITHUB_TOKEN"}`],
  ])('value first: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'value: 3, name: "retries"',
    '{"value":"db.internal","name":"DB_HOST"}',
    '{"value":"x","name":"DB_PASSWORD_FILE"}',
    '{"value":"","name":"DB_PASSWORD"}',
    '{"value":"h","name":"DB_PASSWORDS"}',
  ])('value first, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // The search starts as far before the first `alue` as a match can reach (named-values.ts,
  // LOCATOR_REACH): the widest pair the pattern takes, after text, is still found.
  it('the widest pair, after other text', () => {
    const [b8, b64] = [' '.repeat(8), ' '.repeat(64)];
    const name = `${'A'.repeat(119)}_PASSWORD`;
    const pair = (value: string) =>
      `'ParameterKey'${b8}:${b8}'${name}'${b8}\r\n${b64}'ParameterValue'${b8}:${b8}'${value}'`;
    const filler = 'name: x, key: y '.repeat(40);
    expect(redactor.text(filler + pair('hunter2'))).toBe(filler + pair(R));
    expect(redactor.text(`${filler}{"value":"hunter2","name":"DB_PASSWORD"}`)).toBe(
      `${filler}{"value":"${R}","name":"DB_PASSWORD"}`,
    );
    expect(redactor.text(`${filler}"ParameterValue":"hunter2","ParameterKey":"DbPassword"`)).toBe(
      `${filler}"ParameterValue":"${R}","ParameterKey":"DbPassword"`,
    );
  });

  // Each item on a line of its own, after a `,` (2026-12-07: went out): `JSON.stringify(env, null,
  // 2)` and util.inspect of a long or nested list write pairs so.
  it.each([
    [
      '{\n  "env": [\n    {\n      "name": "DB_PASSWORD",\n      "value": "hunter2"\n    }\n  ]\n}',
      `{\n  "env": [\n    {\n      "name": "DB_PASSWORD",\n      "value": "${R}"\n    }\n  ]\n}`,
    ],
    [
      "[\n  {\n    name: 'API_TOKEN',\n    value: 'abc'\n  }\n]",
      `[\n  {\n    name: 'API_TOKEN',\n    value: '${R}'\n  }\n]`,
    ],
    [
      '{\r\n  "value": "hunter2",\r\n  "name": "DB_PASSWORD"\r\n}',
      `{\r\n  "value": "${R}",\r\n  "name": "DB_PASSWORD"\r\n}`,
    ],
  ])('over lines: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    '{\n  "name": "DB_HOST",\n  "value": "db.internal"\n}',
    '{\n  "value": "x",\n  "name": "DB_PASSWORD_FILE"\n}',
    // A blank line between them: no longer one entry.
    '"name": "DB_PASSWORD",\n\n  "value": "x"',
  ])('over lines, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('the widest pair over lines, after other text', () => {
    const [b8, b64] = [' '.repeat(8), ' '.repeat(64)];
    const name = `${'A'.repeat(119)}_PASSWORD`;
    const pair = (value: string) =>
      `'ParameterKey'${b8}:${b8}'${name}'${b8},${b64}\r\n${b64}'ParameterValue'${b8}:${b8}'${value}'`;
    const filler = 'name: x, key: y '.repeat(40);
    expect(redactor.text(filler + pair('hunter2'))).toBe(filler + pair(R));
  });

  it("with a user's key name", () => {
    expect(createRedactor({ keys: ['tenant_id'] }).text('{"name":"TENANT_ID","value":"t1"}')).toBe(
      `{"name":"TENANT_ID","value":"${R}"}`,
    );
  });
});
