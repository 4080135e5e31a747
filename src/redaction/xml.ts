import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed, isWhiteSpace as isSpace } from './chars.js';
import { INLINE_GLUED_NAMES, INLINE_SECRET_NAMES } from './defaults.js';
import { endsInSecretName, secretSuffixes } from './param-names.js';
import { found, readSettingAttributes } from './xml-attributes.js';

/**
 * `<password>hunter2</password>` in free text (a SOAP fault, an XML body quoted in an error): the
 * text of an element whose name is, or ends in, a name free text scrubs (`password`, `api_key`,
 * `ns:Token`, `db_password`), when its closing tag follows (or the text ends first). The
 * `name=value` rules (inline.ts) need `=` or `:` after the name, so an XML body went out whole.
 * Also a setting whose name is in an attribute (xml-attributes.ts): `<add key="Password"
 * value="hunter2"/>` hides the value attribute's text, `<entry key="password">x</entry>` the element's.
 *
 * One pass: each `<` is looked at once, and a value runs to the next `<`, where the next element
 * starts, so no character is read more than a bounded number of times.
 */
export type XmlScrubber = (text: string, budget?: SecretBudget) => string;

// `>`, `/`, `:` by char code.
const [GT, SLASH, COLON] = [62, 47, 58];
/** Longer element names are not secret names (bounds the work per `<`). */
const MAX_NAME = 128;
/**
 * A connection string under a setting's name is one secret: its server, user and options go with
 * the password (`key="StorageConnectionString" value="…;AccountKey=…"`).
 */
const CONNECTION_STRING_NAMES = ['connectionstring', 'connection_string', 'connection-string'];

/** An element name's characters: letters, digits, `-`, `_`, `.`, and a namespace's `:`. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 45 || c === 95 || c === 46 || c === COLON;
}

export function createXmlScrubber(replacement: string, userNames: readonly string[]): XmlScrubber {
  const literal = userNames.filter((n) => /^[\w.-]+$/.test(n));
  const names = secretSuffixes([...INLINE_SECRET_NAMES, ...literal]);
  // A setting's name is written as a key (`SmtpPassword`, `StripeApiKey`), glued as in an env var.
  const keyNames = secretSuffixes(
    [...INLINE_SECRET_NAMES, ...CONNECTION_STRING_NAMES, ...literal],
    [...INLINE_GLUED_NAMES, ...CONNECTION_STRING_NAMES],
  );
  return (text, budget = secretBudget()) => {
    let lt = text.indexOf('<');
    if (lt === -1) return text;
    let out = '';
    let copied = 0;
    // The first `>` at or after the last tag read's name (-2: not searched yet), searched for again
    // only once passed: one indexOf, not a character's reading each, across a long tag.
    let nextGt = -2;
    while (lt !== -1) {
      // `<name>` or `<name attr="…">`: a name of element characters, then `>` or a space and the
      // attributes, up to the `>` before the next `<` (`<name/>` has no text).
      let end = lt + 1;
      while (end < text.length && end - lt <= MAX_NAME && isNameChar(text.charCodeAt(end))) end++;
      const next = text.indexOf('<', end);
      const segmentEnd = next === -1 ? text.length : next;
      let gt = end;
      let keyIsSecret = false;
      if (isSpace(text.charCodeAt(end))) {
        if (nextGt !== -1 && nextGt < end) nextGt = text.indexOf('>', end);
        gt = nextGt === -1 || nextGt > segmentEnd ? segmentEnd : nextGt;
        if (end > lt + 1 && text.charCodeAt(lt + 1) !== SLASH) {
          readSettingAttributes(text, end, gt, keyNames);
          keyIsSecret = found.keyIsSecret;
          const { valueFrom, valueTo } = found;
          if (keyIsSecret && valueFrom !== -1) {
            keyIsSecret = false;
            if (valueTo > valueFrom && !isScrubbed(text, valueFrom, valueTo, replacement)) {
              out += text.slice(copied, valueFrom) + replacement;
              if (!takeSecret(budget)) return out;
              copied = valueTo;
            }
          }
        }
      }
      if (
        end > lt + 1 &&
        gt < segmentEnd &&
        text.charCodeAt(gt) === GT &&
        text.charCodeAt(gt - 1) !== SLASH &&
        text.charCodeAt(lt + 1) !== SLASH
      ) {
        // `ns:Password`: the local name (read back within the name only).
        let local = end;
        while (local > lt + 1 && text.charCodeAt(local - 1) !== COLON) local--;
        const valueEnd = segmentEnd;
        const value = gt + 1;
        if (
          valueEnd > value &&
          (next === -1 ? !isSpace(text.charCodeAt(value)) : closes(text, next, lt + 1, end)) &&
          (keyIsSecret || endsInSecretName(text, local, end, names, true)) &&
          !isScrubbed(text, value, valueEnd, replacement)
        ) {
          out += text.slice(copied, value) + replacement;
          if (!takeSecret(budget)) return out;
          copied = valueEnd;
        }
      }
      lt = next;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}

/**
 * Whether `</name>` (the name at `text[from, to)`) is at `at`: the text is an element's, not
 * prose that names a `<token>` placeholder. A text cut before its closing tag (a value cut at the
 * length limit) runs to the end and counts too, unless a blank follows the tag: Redis's
 * `ERR AUTH <password> called without any password configured…` lost all its prose.
 */
function closes(text: string, at: number, from: number, to: number): boolean {
  const length = to - from;
  if (text.charCodeAt(at + 1) !== SLASH || text.charCodeAt(at + 2 + length) !== GT) return false;
  for (let i = 0; i < length; i++)
    if (text.charCodeAt(at + 2 + i) !== text.charCodeAt(from + i)) return false;
  return true;
}
