// Well-known token formats are replaced wherever they appear, whatever they are named: a config
// dump or a client error carried OpenAI, Anthropic, GitLab, npm, Hugging Face, Stripe webhook,
// Shopify, DigitalOcean and SendGrid secrets under names no rule knows (`openaiKey`, `gitlab`).
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const a = (n: number, c = 'a') => c.repeat(n);

describe('well-known token formats in text', () => {
  it.each([
    ['OpenAI project key', `sk-proj-${a(48)}`],
    ['OpenAI service-account key', `sk-svcacct-${a(40, 'B')}`],
    ['OpenAI legacy key', `sk-${a(20)}T3BlbkFJ${a(20)}`],
    ['Anthropic key', `sk-ant-api03-${a(90, 'x')}`],
    ['GitLab token', `glpat-${a(20, 'x')}`],
    ['npm token', `npm_${a(36, 'Z')}`],
    ['Hugging Face token', `hf_${a(34, 'q')}`],
    ['Stripe webhook secret', `whsec_${a(32, 'k')}`],
    ['Shopify token', `shpat_${a(32, 'f')}`],
    ['DigitalOcean token', `dop_v1_${a(64, 'e')}`],
    ['SendGrid key', `SG.${a(22, 'm')}.${a(43, 'n')}`],
    // Went out whole before 2026-12-07.
    ['Slack app-level token', `xapp-1-A0123456789-1234567890123-${a(32, 'f')}`],
    ['Slack refresh token', `xoxe-1-${a(40, 'M')}`],
    ['GitLab deploy token', `gldt-${a(20, 'x')}`],
    ['GitLab runner token', `glrt-${a(20, 'x')}`],
    ['GitLab trigger token', `glptt-${a(40, '1')}`],
    ['Vault service token', `hvs.CAESI${a(90, 'J')}`],
    ['Vault batch token', `hvb.${a(100, 'A')}`],
    ['PyPI token', `pypi-AgEIcHlwaS5vcmc${a(60, 'C')}`],
    ['Databricks token', `dapi${a(32, 'e')}`],
    ['Grafana service-account token', `glsa_${a(32, 'Q')}_${a(8, '0')}`],
    ['New Relic key', `NRAK-${a(27, 'X')}`],
    ['Postman key', `PMAK-${a(24, 'b')}-${a(34, 'c')}`],
    ['Linear key', `lin_api_${a(40, 'L')}`],
    ['Doppler token', `dp.pt.${a(43, 'D')}`],
  ])('%s', (_name, token) => {
    expect(redactor.text(`config {"openaiKey":"${token}","n":1}`)).toBe(
      'config {"openaiKey":"[REDACTED]","n":1}',
    );
  });

  it.each([
    'sk-learn pipelines and sk-ii-facial-treatment-essence-230ml',
    'npm_config_cache=/tmp/x hf_hub_download whsec_short SG.short.key',
    'xapp-store hvs.short glrt-runner dapi-client dp.pt.short NRAK-1 lin_api_ready pypi-upload',
  ])('keeps look-alikes: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('Terraform Cloud token: the part after its id', () => {
    expect(redactor.text(`TFE_TOKEN ${a(14, 'p')}.atlasv1.${a(67, 'z')} set`)).toBe(
      `TFE_TOKEN ${a(14, 'p')}.[REDACTED] set`,
    );
  });
});
