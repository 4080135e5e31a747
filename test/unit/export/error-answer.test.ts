// What an OTLP/HTTP error answer says, as the export error quotes it: a 400 said only
// "Bad Request", the collector's message (which names the bad field) read and thrown away.
import { afterEach, describe, expect, it } from 'vitest';
import { resetLogger } from '../../../src/diag/log.js';
import { answerExcerpt, MAX_ANSWER_EXCERPT } from '../../../src/export/otlp/error-answer.js';

afterEach(() => resetLogger());

/** A google.rpc.Status: code (field 1), message (field 2), one detail (field 3). */
function status(code: number, message: string): Buffer {
  const text = Buffer.from(message);
  const length = text.length < 128 ? [text.length] : [(text.length & 0x7f) | 0x80, text.length >> 7];
  return Buffer.concat([
    Buffer.from([0x08, code, 0x12, ...length]),
    text,
    Buffer.from([0x1a, 0x02, 0x0a, 0x00]),
  ]);
}

const excerpt = (body: string | Buffer, type?: string, statusText = 'Bad Request') =>
  answerExcerpt(typeof body === 'string' ? Buffer.from(body) : body, type, statusText);

describe('answerExcerpt', () => {
  it("reads a collector's google.rpc.Status, typed or not", () => {
    const body = status(3, 'ReadUInt64: invalid trace id length 15');
    expect(excerpt(body, 'application/x-protobuf')).toBe('ReadUInt64: invalid trace id length 15');
    expect(excerpt(body)).toBe('ReadUInt64: invalid trace id length 15');
  });

  it("reads a proxy's text, JSON or HTML on one line", () => {
    expect(excerpt('tenant "shop"\nis over its quota\n', 'text/plain; charset=utf-8')).toBe(
      'tenant "shop" is over its quota',
    );
    expect(excerpt('{"code":3,"message":"bad span kind"}', 'application/json')).toBe('bad span kind');
    expect(excerpt('{"error":{"message":"org id missing"}}', 'application/json')).toBe('org id missing');
    expect(excerpt('{"error":"org id missing"}', 'application/json')).toBe('org id missing');
    expect(
      excerpt(
        '<html><head><title>400 Bad Request</title></head><body><h1>Request Header Or Cookie Too Large</h1><hr>nginx</body></html>',
        'text/html',
      ),
    ).toBe('400 Bad Request Request Header Or Cookie Too Large nginx');
  });

  it('scrubs secrets before the cut, escapes control characters, and stays short', () => {
    const token = `sk-proj-${'A1b2C3d4'.repeat(6)}`;
    const quoted = excerpt(
      `invalid header: authorization="Bearer abc.def.ghi" password=hunter2 key ${token} \u001b[31mred`,
      'text/plain',
    );
    expect(quoted).not.toMatch(/abc\.def|hunter2|A1b2C3d4/);
    expect(quoted).toContain('\\x1b[31mred');
    // A token across the cut: scrubbed whole first, so no piece of it shows.
    const long = excerpt(`${'x'.repeat(MAX_ANSWER_EXCERPT - 20)} ${token}`, 'text/plain') as string;
    expect(long).not.toContain('A1b2');
    expect(long.length).toBeLessThanOrEqual(MAX_ANSWER_EXCERPT + 1);
    const longer = excerpt('y'.repeat(100_000), 'text/plain') as string;
    expect(longer).toBe(`${'y'.repeat(MAX_ANSWER_EXCERPT)}…`);
  });

  it('says nothing for an empty, unreadable or redundant answer, and never throws', () => {
    expect(excerpt('')).toBeUndefined();
    expect(excerpt('Bad Request\n', 'text/plain')).toBeUndefined();
    expect(excerpt(Buffer.from([0x12, 0x7f, 0x41]), 'application/x-protobuf')).toBeUndefined();
    expect(excerpt(Buffer.from([0x0b, 0x00, 0xff, 0xfe]), 'application/x-protobuf')).toBeUndefined();
    expect(excerpt(Buffer.from([0x12, 0x02, 0xc3, 0x28]))).toBeUndefined(); // no UTF-8, no text
    expect(excerpt(Buffer.from([0x00, 0x9f, 0x92, 0x96]))).toBeUndefined();
    expect(excerpt('null', 'application/json')).toBe('null');
    expect(excerpt('<'.repeat(4096), 'text/html')).toBe(`${'<'.repeat(MAX_ANSWER_EXCERPT)}…`);
  });
});
