import { scrubForLog } from '../../diag/log.js';
import { printable } from '../../util/printable.js';
import { decodeStatusMessage } from './response.js';

/** The most of a collector's error message an export error quotes, in characters. */
export const MAX_ANSWER_EXCERPT = 280;
/** The most of an error answer's text read for it (an answer is read up to 64 KiB). */
const MAX_TEXT_BYTES = 4096;

/**
 * What an error answer says, as an export error may quote it: one line of at most
 * {@link MAX_ANSWER_EXCERPT} characters, scrubbed (before the cut), control characters escaped.
 * An OTLP/HTTP collector answers a google.rpc.Status protobuf (its `message`); a proxy, text,
 * JSON or HTML. Undefined when it says nothing more than `statusText`, or nothing readable.
 */
export function answerExcerpt(
  body: Uint8Array,
  contentType: string | undefined,
  statusText: string,
): string | undefined {
  let text: string | undefined;
  try {
    text = answerText(body, (contentType ?? '').toLowerCase());
  } catch {
    return undefined; // an unreadable answer: the status says what there is to say
  }
  if (text === undefined) return undefined;
  text = text
    .slice(0, MAX_TEXT_BYTES)
    .replace(/[\t\n\r ]+/g, ' ')
    .trim();
  if (text === '' || text.toLowerCase() === statusText.toLowerCase()) return undefined;
  const shown = printable(scrubForLog(text));
  return shown.length <= MAX_ANSWER_EXCERPT ? shown : `${shown.slice(0, MAX_ANSWER_EXCERPT)}…`;
}

function answerText(body: Uint8Array, contentType: string): string | undefined {
  if (body.length === 0) return undefined;
  if (contentType.includes('protobuf')) return decodeStatusMessage(body);
  if (contentType.includes('json')) return jsonMessage(body);
  const head = body.subarray(0, MAX_TEXT_BYTES);
  if (contentType.includes('html')) return withoutTags(new TextDecoder().decode(head));
  if (contentType.startsWith('text/')) return new TextDecoder().decode(head);
  // No type (or another): a Status if it reads as one, else text if it is UTF-8.
  try {
    const message = decodeStatusMessage(body);
    if (message !== undefined) return message;
  } catch {
    // not protobuf
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
}

/** `{"message": …}` (a Status as JSON), `{"error": …}` or `{"error": {"message": …}}`; else the text. */
function jsonMessage(body: Uint8Array): string {
  const text = new TextDecoder().decode(body);
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const error = parsed.error as { message?: unknown } | undefined;
    for (const value of [parsed.message, parsed.error, error?.message])
      if (typeof value === 'string' && value !== '') return value;
  } catch {
    // not JSON after all
  }
  return text;
}

/** An HTML error page's text, its tags dropped (`[^<>]`: a `<` never makes the search rescan). */
function withoutTags(html: string): string {
  return html.replace(/<[^<>]*>/g, ' ');
}
