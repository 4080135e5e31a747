import { createHash } from '../lazy-crypto.js';

// One pass over the statement. Order matters: comments and quoted text first, so a quote inside a
// comment (or a `--` inside a string) cannot derail the rest. Double-quoted text is an identifier
// in ANSI SQL / PostgreSQL and is kept; MySQL's double-quoted strings are therefore not masked.
const TOKENS =
  /(--[^\r\n]*|\/\*[\s\S]*?(?:\*\/|$))|([bBeEnNxX]?'(?:[^'\\]|''|\\[\s\S])*(?:'|$))|(\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?(?:\$\4\$|$))|("(?:[^"]|"")*")|(`[^`]*`)|(\b0[xX][0-9a-fA-F]+\b)|((?<![\w$.])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w$]))/g;

/**
 * Masks literal values in a SQL statement with `?`, keeping keywords, identifiers, placeholders
 * (`$1`, `?`, `:name`) and structure: `SELECT * FROM users WHERE email = 'a@b.c' AND id = 42` →
 * `SELECT * FROM users WHERE email = ? AND id = ?`. Comments are masked whole (they can carry
 * anything).
 */
export function maskSql(statement: string): string {
  return statement.replace(TOKENS, (match, comment, str, dollar, _tag, dquoted, backtick) => {
    if (comment !== undefined) return match.startsWith('--') ? '-- ?' : '/* ? */';
    if (str !== undefined || dollar !== undefined) return '?';
    if (dquoted !== undefined || backtick !== undefined) return match;
    return '?';
  });
}

/** `sha256:<hex>` of the whole statement, as the collector's `hash` action does. */
export function hashSql(statement: string): string {
  return `sha256:${createHash('sha256').update(statement).digest('hex')}`;
}
