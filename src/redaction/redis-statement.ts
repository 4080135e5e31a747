import { type SecretBudget, takeSecret } from './budget.js';

/**
 * A Redis command as the redis and ioredis instrumentations record it (`db.statement`, the
 * command and its arguments joined by spaces). Masking (sql.ts) keeps bare words, and two kinds
 * of them are credentials:
 * - a key whose namespace says session or secret: `GET sess:Jd8fK2lQx9` (connect-redis),
 *   `session:<id>`, `refresh_token:<token>`, `reset-password:token:<token>`. The id after such a
 *   segment is what a session or reset link is worth, and anyone who reads the trace could use it;
 * - a password given as an argument: `AUTH [user] <password>`, `HELLO 3 AUTH <user> <password>`,
 *   `MIGRATE … AUTH <password>` / `AUTH2 <user> <password>`, `CONFIG SET requirepass|masterauth
 *   <password>`, `ACL SETUSER <user> >password #hash`. The instrumentations' default serializer
 *   leaves AUTH's arguments out; a custom one, or a span an app makes itself, need not.
 *
 * One pass over the words; each is read at most twice.
 */
export type RedisStatementScrubber = (statement: string, budget: SecretBudget) => string;

/** Namespaces whose next segment is a session id. */
const SESSION_SEGMENTS = new Set([
  'sess',
  'session',
  'sessions',
  'sid',
  'sessionid',
  'session_id',
  'session-id',
]);

const LONGEST_SESSION_SEGMENT = Math.max(...[...SESSION_SEGMENTS].map((s) => s.length));

function isSessionSegment(text: string, from: number, to: number): boolean {
  return to - from <= LONGEST_SESSION_SEGMENT && SESSION_SEGMENTS.has(text.slice(from, to).toLowerCase());
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Whether `text[from, to)` is `word` (upper case, ASCII) in any case. */
function isWord(text: string, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = text.charCodeAt(from + i);
    if ((c >= 97 && c <= 122 ? c - 32 : c) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Where the id after a session or secret namespace segment starts in the key `text[from, to)`, or -1. */
function keySecretFrom(
  text: string,
  from: number,
  to: number,
  isSecretName: (text: string, from: number, to: number) => boolean,
): number {
  let segment = from;
  for (let i = from; i < to; i++) {
    if (text.charCodeAt(i) !== 58) continue;
    if (i > segment && (isSessionSegment(text, segment, i) || isSecretName(text, segment, i)))
      return i + 1 < to ? i + 1 : -1;
    segment = i + 1;
  }
  return -1;
}

enum Command {
  Other = 0,
  Auth = 1,
  Hello = 2,
  Migrate = 3,
  Config = 4,
  Acl = 5,
}

function commandOf(text: string, from: number, to: number): Command {
  if (isWord(text, from, to, 'AUTH')) return Command.Auth;
  if (isWord(text, from, to, 'HELLO')) return Command.Hello;
  if (isWord(text, from, to, 'MIGRATE')) return Command.Migrate;
  if (isWord(text, from, to, 'CONFIG')) return Command.Config;
  if (isWord(text, from, to, 'ACL')) return Command.Acl;
  return Command.Other;
}

export function createRedisStatementScrubber(
  replacement: string,
  /** Whether `text[from, to)` names a secret (param-names.ts's endsInSecretName with the key rules). */
  isSecretName: (text: string, from: number, to: number) => boolean,
): RedisStatementScrubber {
  return (statement, budget) => {
    const n = statement.length;
    // Most commands: none of those above, and no key with a namespace.
    const colons = statement.indexOf(':') !== -1;
    let out = '';
    let copied = 0;
    let spent = false;
    const replace = (from: number, to: number) => {
      out += statement.slice(copied, from) + replacement;
      copied = to;
      spent = !takeSecret(budget);
    };
    let command = Command.Other;
    let index = 0;
    // Words to go until a password argument (HELLO/MIGRATE AUTH, CONFIG SET), -1 when none is due.
    let untilPassword = -1;
    let lastFrom = -1;
    let lastTo = -1;
    for (let i = 0; i < n && !spent; index++) {
      while (i < n && isSpace(statement.charCodeAt(i))) i++;
      if (i >= n) break;
      const from = i;
      while (i < n && !isSpace(statement.charCodeAt(i))) i++;
      const to = i;
      if (index === 0) {
        command = commandOf(statement, from, to);
        if (command === Command.Other && !colons) return statement;
        continue;
      }
      lastFrom = from;
      lastTo = to;
      if (untilPassword > 0 && --untilPassword === 0) {
        replace(from, to);
        continue;
      }
      switch (command) {
        case Command.Acl: {
          const c = statement.charCodeAt(from);
          if ((c === 62 || c === 35) && to - from > 1) {
            replace(from + 1, to); // >password, #hash
            continue;
          }
          break;
        }
        case Command.Hello:
        case Command.Migrate:
          if (isWord(statement, from, to, 'AUTH')) untilPassword = command === Command.Hello ? 2 : 1;
          else if (isWord(statement, from, to, 'AUTH2')) untilPassword = 2;
          break;
        case Command.Config:
          if (index === 1 && !isWord(statement, from, to, 'SET')) command = Command.Other;
          else if (
            index % 2 === 0 &&
            (isWord(statement, from, to, 'REQUIREPASS') || isWord(statement, from, to, 'MASTERAUTH'))
          )
            untilPassword = 1;
          break;
      }
      if (!colons) continue;
      const key = keySecretFrom(statement, from, to, isSecretName);
      if (key !== -1) replace(key, to);
    }
    if (spent) return out;
    // AUTH [user] password: the last argument, unless the instrumentation left the arguments out
    // (`AUTH [1 other arguments]`, its default serializer).
    if (command === Command.Auth && lastFrom >= copied && !statement.endsWith(' arguments]'))
      replace(lastFrom, lastTo);
    return copied === 0 ? statement : out + statement.slice(copied);
  };
}
