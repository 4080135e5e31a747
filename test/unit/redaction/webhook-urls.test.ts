// A webhook URL is its own credential: whoever holds the path can post. An alert a service sent
// to Slack, Discord, Teams or a Telegram bot exported the URL whole in `url.full` (and in any
// message that quoted it): no query parameter, no userinfo, no token format matched it.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();

describe('webhook URLs whose path is the secret', () => {
  it.each([
    [
      'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx',
      'https://hooks.slack.com/services/[REDACTED]',
    ],
    [
      'https://discord.com/api/webhooks/123456789012345678/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abc',
      'https://discord.com/api/webhooks/123456789012345678/[REDACTED]',
    ],
    [
      'https://acme.webhook.office.com/webhookb2/1a2b3c4d-0000-1111-2222-333344445555@9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff/IncomingWebhook/0123456789abcdef/1a2b3c4d-0000-1111-2222-333344445555',
      'https://acme.webhook.office.com/webhookb2/[REDACTED]',
    ],
    [
      'https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage?chat_id=1',
      'https://api.telegram.org/bot[REDACTED]?chat_id=1',
    ],
  ])('%s', (url, expected) => {
    const attributes = { 'url.full': url };
    redactor.attributes(attributes);
    expect(attributes['url.full']).toBe(expected);
    expect(redactor.text(`alert failed: POST ${url} 404`)).toBe(`alert failed: POST ${expected} 404`);
  });

  it('keeps the other paths of those hosts', () => {
    const url = 'https://discord.com/api/v10/channels/123/messages';
    expect(redactor.text(url)).toBe(url);
  });
});
