/**
 * Whether a regex given in config (`redaction.patterns`, `redaction.keys`, `ignoreIncomingPaths`)
 * could backtrack catastrophically on text a client chooses. V8 runs regexes with a backtracking
 * engine; such a pattern is not applied, and config time says why.
 */

interface Group {
  quantified: boolean;
  alternatives: string[];
  current: string;
}

/**
 * Why a regex could backtrack catastrophically, or undefined when none of the known shapes is
 * present: a backreference, a repeated group that itself repeats (nested quantifiers, `(a+)+`), or a
 * repeated group whose alternatives can start with the same character (`(a|ab)*`). Conservative:
 * it reads the source once, left to right, and may flag a pattern that is in fact safe.
 */
export function backtrackRisk(regex: RegExp): string | undefined {
  const src = regex.source;
  const ignoreCase = regex.flags.includes('i');
  const stack: Group[] = [{ quantified: false, alternatives: [], current: '' }];
  // Whether the group just closed contained a repetition / an alternation, for the quantifier after it.
  const repeats: boolean[] = [false];
  let lastClosed: { repeats: boolean; alternatives: string[] } | undefined;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (/[1-9]/.test(n) || (n === 'k' && src[i + 2] === '<')) return 'it uses a backreference';
      top.current += c + n;
      i++;
      lastClosed = undefined;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      top.current += src.slice(i, j + 1);
      i = j;
      lastClosed = undefined;
      continue;
    }
    if (c === '(') {
      stack.push({ quantified: false, alternatives: [], current: '' });
      repeats.push(false);
      lastClosed = undefined;
      // Skip the group's `?:`, `?=`, `?<name>` prefix: not content.
      const m = /^\?(?:<[A-Za-z_$][\w$]*>|<[=!]|[:=!])/.exec(src.slice(i + 1, i + 12));
      if (m) i += m[0].length;
      continue;
    }
    if (c === ')' && stack.length > 1) {
      const group = stack.pop()!;
      group.alternatives.push(group.current);
      const inner = repeats.pop()!;
      lastClosed = { repeats: inner, alternatives: group.alternatives };
      // A repetition inside a group is a repetition of the enclosing group too.
      if (inner) repeats[repeats.length - 1] = true;
      stack[stack.length - 1]!.current += '(…)';
      continue;
    }
    if (c === '|') {
      top.alternatives.push(top.current);
      top.current = '';
      lastClosed = undefined;
      continue;
    }
    const quantifier = /^(?:[*+]|\{\d+,\d*\})/.exec(src.slice(i, i + 24));
    if (quantifier && !/^\{(\d+),\1\}$/.test(quantifier[0])) {
      if (lastClosed?.repeats) return 'it nests quantifiers (a repeated group that repeats inside)';
      if (lastClosed && lastClosed.alternatives.length > 1 && overlap(lastClosed.alternatives, ignoreCase))
        return 'it repeats a group whose alternatives can start alike';
      repeats[repeats.length - 1] = true;
      i += quantifier[0].length - 1;
      if (src[i + 1] === '?') i++;
      lastClosed = undefined;
      continue;
    }
    top.current += c;
    if (c !== '?') lastClosed = undefined;
  }
  return undefined;
}

/** True unless every alternative starts with a plain character and no two start with the same one. */
function overlap(alternatives: string[], ignoreCase: boolean): boolean {
  const firsts = new Set<string>();
  for (const alt of alternatives) {
    const first = alt[0];
    if (first === undefined || '\\[(.^$'.includes(first)) return true;
    const key = ignoreCase ? first.toLowerCase() : first;
    if (firsts.has(key)) return true;
    firsts.add(key);
  }
  return false;
}
