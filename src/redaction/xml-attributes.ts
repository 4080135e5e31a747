import { isWhiteSpace as isSpace, isWord } from './chars.js';
import { endsInSecretName, type SecretSuffixes } from './param-names.js';

/**
 * A setting written as a key attribute and a value attribute, in a tag quoted in free text: .NET's
 * `<add key="Password" value="hunter2"/>` (appSettings; `ConnectionString`, `ApiKey`,
 * `ClientSecret`…), Ant's and Spring's `<property name="db.password" value="…"/>`, Java's
 * properties XML `<entry key="password">…</entry>`. The secret name is an attribute's value, not
 * the element's name, so xml.ts's element rule and inline.ts's `name=value` rule both missed it.
 *
 * The attributes of one tag, `text[from, to)` (after the element's name, up to its `>` or where the
 * next `<` starts), are read once, left to right.
 */

const [EQUALS, DQUOTE, SQUOTE] = [61, 34, 39];

/** The `value` attribute's text found by the last call, as [from, to); -1 when there is none. */
export const found = { keyIsSecret: false, valueFrom: -1, valueTo: -1 };

/** An attribute name's characters: anything but a blank, `=`, `/`, `>` or a quote. */
function isNameChar(c: number): boolean {
  return !isSpace(c) && c !== EQUALS && c !== 47 && c !== 62 && c !== DQUOTE && c !== SQUOTE;
}

/**
 * Reads the attributes of one tag into `found`: whether its `key` (or `name`) attribute holds a
 * secret name, and where its quoted `value` attribute's text is. A value whose quote is not closed
 * before `to` (a text cut at the length limit) runs to `to`.
 */
export function readSettingAttributes(text: string, from: number, to: number, names: SecretSuffixes): void {
  found.keyIsSecret = false;
  found.valueFrom = -1;
  found.valueTo = -1;
  let p = from;
  while (p < to) {
    while (p < to && !isNameChar(text.charCodeAt(p))) p++;
    const nameFrom = p;
    while (p < to && isNameChar(text.charCodeAt(p))) p++;
    const nameTo = p;
    while (p < to && isSpace(text.charCodeAt(p))) p++;
    if (p >= to || text.charCodeAt(p) !== EQUALS) continue;
    p++;
    while (p < to && isSpace(text.charCodeAt(p))) p++;
    const quote = text.charCodeAt(p);
    // XML quotes every attribute value; an unquoted one is no setting.
    if (p >= to || (quote !== DQUOTE && quote !== SQUOTE)) continue;
    const valueFrom = p + 1;
    p = valueFrom;
    while (p < to && text.charCodeAt(p) !== quote) p++;
    const valueTo = p;
    p++;
    if (isWord(text, nameFrom, nameTo, 'value')) {
      if (found.valueFrom === -1) {
        found.valueFrom = valueFrom;
        found.valueTo = valueTo;
      }
    } else if (isWord(text, nameFrom, nameTo, 'key') || isWord(text, nameFrom, nameTo, 'name')) {
      found.keyIsSecret ||= endsInSecretName(text, valueFrom, valueTo, names, true);
    }
  }
}
