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
  ])('%s', (_name, token) => {
    expect(redactor.text(`config {"openaiKey":"${token}","n":1}`)).toBe(
      'config {"openaiKey":"[REDACTED]","n":1}',
    );
  });

  it.each([
    'sk-learn pipelines and sk-ii-facial-treatment-essence-230ml',
    'npm_config_cache=/tmp/x hf_hub_download whsec_short SG.short.key',
  ])('keeps look-alikes: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
