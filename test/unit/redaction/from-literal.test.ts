// kubectl's `create secret … --from-literal=NAME=VALUE` went out with every value whose name was
// no secret name (2026-12-07): `--from-literal=key=…`, `=credentials=…`, `=tls.key=…`. Every value
// of a Secret is one; a ConfigMap's are not.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe("kubectl's --from-literal", () => {
  it.each([
    [
      'kubectl create secret generic app --from-literal=key=hunter2 --from-literal=user=bob',
      `kubectl create secret generic app --from-literal=key=${R} --from-literal=user=${R}`,
    ],
    [
      'kubectl create secret generic app --from-literal=credentials=\'a b\' "--from-literal=tls.key=c d" -n x',
      `kubectl create secret generic app --from-literal=credentials='${R}' "--from-literal=tls.key=${R}" -n x`,
    ],
    [
      'oc create secret generic cm --from-literal=key=s3',
      `oc create secret generic cm --from-literal=key=${R}`,
    ],
    [
      'kubectl create cm cfg --from-literal=mode=prod\nkubectl create secret generic s --from-literal=key=s2',
      `kubectl create cm cfg --from-literal=mode=prod\nkubectl create secret generic s --from-literal=key=${R}`,
    ],
    // Cut short: the rest of the line.
    [
      "kubectl create secret generic app '--from-literal=key=hunt",
      `kubectl create secret generic app '--from-literal=key=${R}`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'kubectl create configmap cfg --from-literal=mode=prod --from-literal=region=eu',
    'kubectl create secret generic app --from-literal=',
    'kubectl create secret generic app --from-file=key=./key.pem',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in an argument list', () => {
    const scrub = (args: string[]) => scrubArgs(args, redactor, R);
    expect(scrub(['kubectl', 'create', 'secret', 'generic', 'app', '--from-literal=key=hunter2'])).toEqual([
      'kubectl',
      'create',
      'secret',
      'generic',
      'app',
      `--from-literal=key=${R}`,
    ]);
    const configMap = ['kubectl', 'create', 'configmap', 'cfg', '--from-literal=mode=prod'];
    expect(scrub(configMap)).toEqual(configMap);
  });
});
