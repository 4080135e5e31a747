import type { Attributes, AttributeValue } from '@opentelemetry/api';
// diag/log.ts itself, not diag/index.ts: the logger scrubs through this redactor, and the exit
// sender thread's bundle, which takes both, must not take in the OTel diag bridge (and the API).
import { log } from '../diag/log.js';
import type { DbStatementMode, RedactionOptions } from '../types.js';
import { KeyCache } from '../util/key-cache.js';
import { scrubArgs } from './args.js';
import { createAuthUserPassScrubber } from './auth-userpass.js';
import { MAX_SECRETS_PER_VALUE, restart, type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isWhiteSpace } from './chars.js';
import { createCliFlagScrubber } from './cli-flags.js';
import { createConfigSetScrubber } from './config-set.js';
import { scrubCookieHeader } from './cookie-header.js';
import { createDbErrorValueScrubber } from './db-error-values.js';
import {
  DEFAULT_SECRET_KEYS,
  DEFAULT_VALUE_PATTERNS,
  INLINE_GLUED_NAMES,
  INLINE_SECRET_NAMES,
  type ValuePattern,
} from './defaults.js';
import { createEncodedNameScrubber } from './encoded-names.js';
import { createEscapedSeparatorScrubber } from './escaped-separators.js';
import { createFromLiteralScrubber } from './from-literal.js';
import { createHttpClientFlagScrubber } from './http-client-flags.js';
import { createInlineScrubber } from './inline.js';
import { createNamedValueScrubber } from './named-values.js';
import { createOracleLoginScrubber, isOracleJdbcUrl } from './oracle-logins.js';
import { createPairTupleScrubber } from './pair-tuples.js';
import { endsInSecretName, inlineSecretSuffixes, secretSuffixes } from './param-names.js';
import { redactPathSecrets } from './path-secrets.js';
import { createPgErrorScrubber } from './pg-errors.js';
import { createPhraseScrubber } from './phrase-values.js';
import { createPositionalPasswordScrubber } from './positional-passwords.js';
import { createRawHeaderScrubber, isSecretHeaderName } from './raw-headers.js';
import { createRedisCliAuthScrubber } from './redis-cli-auth.js';
import { createRedisStatementScrubber } from './redis-statement.js';
import { createSetCookieScrubber } from './set-cookie.js';
import { hashSql, maskSql } from './sql.js';
import { createSqlPasswordScrubber } from './sql-passwords.js';
import { createStdinPasswordScrubber } from './stdin-passwords.js';
import { DEFAULT_QUERY_PARAMS, redactPathParams, redactQuery, redactUrl, redactUrlsInText } from './url.js';
import { backtrackRisk, KEY_PREFIX, replaceWindowed, WINDOW } from './user-patterns.js';
import { createUserinfoScrubber } from './userinfo.js';
import { createXmlScrubber } from './xml.js';

/** What to do with an attribute, decided once per key and cached. */
enum Action {
  /** Known to hold no free text (method, route, host...): skipped. */
  Safe = 0,
  /** The whole value is a secret. */
  Secret = 1,
  Url = 2,
  Query = 3,
  Db = 4,
  /** Free text: value patterns, URLs in text, `password=...` pairs. */
  Text = 5,
  /** Under a key that says cookies (cookie-header.ts). */
  Cookie = 6,
  /** A URL's path (`url.path`): free text, and a credential as a segment (path-secrets.ts). */
  Path = 7,
}

const URL_KEYS = new Set(['url.full', 'http.url', 'url.original', 'http.target', 'db.connection_string']);
const QUERY_KEYS = new Set(['url.query', 'http.query']);
const PATH_KEYS = new Set(['url.path']);
const DB_KEYS = new Set(['db.statement', 'db.query.text']);
// Keys whose string values are enums, addresses or names set by instrumentations, never user text.
// Skipping them keeps the hot path short; a user `keys` entry still wins over this list.
const SAFE_KEYS = new Set([
  'http.request.method',
  'http.request.method_original',
  'http.method',
  'http.route',
  'http.scheme',
  'http.flavor',
  'url.scheme',
  'server.address',
  'client.address',
  'net.host.name',
  'net.peer.name',
  'net.peer.ip',
  'net.transport',
  'network.peer.address',
  'network.local.address',
  'network.protocol.name',
  'network.protocol.version',
  'network.transport',
  'network.type',
  'user_agent.original',
  'http.user_agent',
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'db.operation',
  'db.operation.name',
  'db.collection.name',
  'db.sql.table',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'messaging.system',
  'messaging.operation',
  'messaging.operation.type',
  'messaging.operation.name',
  'messaging.destination.name',
  'error.type',
  'exception.type',
  'code.function',
  'code.function.name',
  'code.namespace',
  'code.filepath',
  'code.file.path',
  'thread.name',
  'component',
]);
const MAX_CACHED_KEYS = 4096;

export interface Redactor {
  /** Scrubs an attributes object in place. */
  attributes(attributes: Attributes): void;
  /** Scrubs free text (exception and status messages). */
  text(value: string): string;
  /** Scrubs a URL (userinfo, sensitive query parameters). */
  url(value: string): string;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

/**
 * Replaces the matches `pick` accepts (every match without one), each counted against the budget,
 * building a new string only when one is: `String#replace` with a callback copies the whole text
 * whenever anything matches, and a 256 KB run that the JWT pattern consumes without it being a JWT
 * cost a 256 KB copy per pattern.
 */
function replaceSome(
  text: string,
  regex: RegExp,
  replacement: string,
  pick: ((match: RegExpExecArray) => boolean) | undefined,
  budget: SecretBudget,
  prefix = false,
): string {
  let out = '';
  let copied = 0;
  let changed = false;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    if (m[0].length === 0) regex.lastIndex++;
    else if (pick === undefined || pick(m)) {
      // A prefix pattern keeps its group 1 (a webhook URL's host and fixed path).
      out += text.slice(copied, m.index) + (prefix ? m[1] : '') + replacement;
      // Past the budget (budget.ts), this match runs to the end of the text.
      if (!takeSecret(budget)) return out;
      copied = m.index + m[0].length;
      changed = true;
    }
  }
  return changed ? out + text.slice(copied) : text;
}

/** Which matches of a pattern are secrets, for replaceSome; undefined when all are. */
function pickOf(pattern: ValuePattern): ((match: RegExpExecArray) => boolean) | undefined {
  const { accept, guarded } = pattern;
  if (guarded) return (m) => m[1] !== undefined;
  if (accept) return (m) => accept(m[0]);
  return undefined;
}

/**
 * A user regex that could backtrack catastrophically is left out, with one warning naming it: even
 * a bounded window cannot bound exponential time. Every other one is used with a bound.
 */
function usable(regex: RegExp, field: string, bound: string): boolean {
  const risk = backtrackRisk(regex);
  if (risk === undefined) return true;
  log.warnOnce(
    `redaction.${field}:${regex}`,
    `redaction.${field} entry ${regex} could backtrack catastrophically (${risk}), so one crafted value could ` +
      `block the event loop; it is NOT applied. Rewrite it without that shape (other ${field} entries are used; ${bound})`,
  );
  return false;
}

/** Secret key names (normalised), key regexes, and the user's literal key names for inline text. */
interface CompiledKeys {
  readonly secretNames: ReadonlySet<string>;
  /** The longest of `secretNames`: a longer key or last segment cannot be one of them. */
  readonly longestName: number;
  readonly secretRegexes: readonly RegExp[];
  readonly userNames: readonly string[];
}

function compileKeys(keys: RedactionOptions['keys']): CompiledKeys {
  const secretNames = new Set(DEFAULT_SECRET_KEYS);
  const secretRegexes: RegExp[] = [];
  const userNames: string[] = [];
  for (const key of keys ?? []) {
    if (typeof key === 'string') {
      secretNames.add(normalize(key));
      userNames.push(key);
    } else if (usable(key, 'keys', `it is tried on the first ${KEY_PREFIX} characters of attribute keys`)) {
      secretRegexes.push(new RegExp(key.source, key.flags.replace(/[gy]/g, '')));
    }
  }
  let longestName = 0;
  for (const name of secretNames) longestName = Math.max(longestName, name.length);
  return { secretNames, longestName, secretRegexes, userNames };
}

/**
 * The defaults, the user's `queryParams`, and the user's literal `keys`: free text takes those for
 * secret names (`x-tenant-key=…` was scrubbed in a message and kept in `?x-tenant-key=…`).
 */
function compileQueryParams(
  queryParams: RedactionOptions['queryParams'],
  userNames: readonly string[],
): Set<string> {
  const params = new Set(DEFAULT_QUERY_PARAMS);
  for (const p of [...(queryParams ?? []), ...userNames]) params.add(p.toLowerCase());
  return params;
}

// Built-in patterns are linear (defaults.ts); user patterns run over bounded windows.
function compileUserPatterns(patterns: RedactionOptions['patterns']): RegExp[] {
  const userPatterns: RegExp[] = [];
  for (const p of patterns ?? []) {
    if (usable(p, 'patterns', `it runs over ${WINDOW}-character windows`)) {
      userPatterns.push(new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`));
    }
  }
  return userPatterns;
}

// One combined test first: most strings match nothing, and one scan is cheaper than ten. It looks
// for what each pattern's matches start with (its anchors, defaults.ts), not the whole pattern, so
// it finds every text a pattern would match. Two regexes: the anchors at a word's start under one
// `\b`, the rest apart (one alternation of both read 256 KB of prose in 0.8 ms, these two in 0.6).
// Each alternative is linear on its own, so the combination is too. Case-insensitive patterns stay
// out and always run: an `i` flag on the combination doubles its compile time, which start-up pays
// when it scrubs the command line (bench/README.md, scrub group).
function combinePatterns(patterns: readonly ValuePattern[], combined: readonly number[]): RegExp[] {
  const atWordStart: string[] = [];
  const anywhere: string[] = [];
  for (const i of combined) {
    const { wordAnchor, anchor, regex } = patterns[i]!;
    if (wordAnchor !== undefined) atWordStart.push(`(?:${wordAnchor})`);
    else anywhere.push(`(?:${anchor ?? regex.source})`);
  }
  const tests: RegExp[] = [];
  if (atWordStart.length > 0) tests.push(new RegExp(`\\b(?:${atWordStart.join('|')})`));
  if (anywhere.length > 0) tests.push(new RegExp(anywhere.join('|')));
  return tests;
}

/** Whether one of the (non-global) tests matches `value`; an indexed loop allocates nothing. */
function anyMatches(tests: readonly RegExp[], value: string): boolean {
  for (let i = 0; i < tests.length; i++) if (tests[i]!.test(value)) return true;
  return false;
}

/**
 * A pattern that starts with a lookbehind (the card numbers') is tested on its own: in the
 * combination it slowed every other alternative's scan, and the combined test of a 40-character URL
 * took 154 ns against 85 + 21 apart (V8 11, Node 20).
 */
function testedAlone(pattern: ValuePattern): boolean {
  return pattern.regex.source.startsWith('(?<');
}

/** The longest key of the fixed sets above: a longer key is none of them. */
const LONGEST_KNOWN_KEY = Math.max(
  ...[URL_KEYS, QUERY_KEYS, PATH_KEYS, DB_KEYS, SAFE_KEYS].flatMap((set) =>
    [...set].map((key) => key.length),
  ),
);
const URL_SUFFIXES = new Set(['.url', '_url', '.uri', '_uri']);
// `cookies`, `request.cookie_string`: no semantic-convention key says cookie (the guard test checks).
const COOKIE_KEY = /cookie/i;
/**
 * A key that ends in one of these after a character that is not a letter or digit (or is one) is
 * a secret, as `db_password=…` is in free text: `db_password`, `DB_PASSWORD`, `app.api_token`,
 * `github_token` and `aws.secret_access_key` went out while `db.password` was replaced. A glued
 * name ends a secret key after anything: `config.dbPassword`, `env.PGPASSWORD`.
 */
const SECRET_KEY_ENDINGS = secretSuffixes(
  [...DEFAULT_SECRET_KEYS, ...INLINE_SECRET_NAMES].flatMap((n) => [
    n.replace(/_/g, '-'),
    n.replace(/-/g, '_'),
  ]),
  INLINE_GLUED_NAMES.flatMap((n) => [n, n.replace(/_/g, '-')]),
);

/**
 * What to do with an attribute under this key; actionFor caches it per key. A key longer than every
 * known name is only looked up by its last segment and its suffix: lowering, normalising and
 * hashing whole keys cost ~0.7-0.8 µs a key of 256 characters, 1.4-1.6 ms for a span of 2,048
 * distinct ones (profiles).
 */
function classify(key: string, keys: CompiledKeys): Action {
  const { secretNames, longestName, secretRegexes } = keys;
  // normalize() keeps dots, so the last segment of the normalised key is that of the key.
  const dot = key.lastIndexOf('.');
  const last = dot === -1 ? key : key.slice(dot + 1);
  if (key.length <= longestName && secretNames.has(normalize(key))) return Action.Secret;
  if (dot !== -1 && last.length <= longestName && secretNames.has(normalize(last))) return Action.Secret;
  const bounded = key.length > KEY_PREFIX ? key.slice(0, KEY_PREFIX) : key;
  for (const r of secretRegexes) if (r.test(bounded)) return Action.Secret;
  if (endsInSecretName(key, 0, key.length, SECRET_KEY_ENDINGS, true)) return Action.Secret;
  if (COOKIE_KEY.test(key)) return Action.Cookie;
  if (URL_SUFFIXES.has(key.slice(-4).toLowerCase())) return Action.Url;
  if (key.length > LONGEST_KNOWN_KEY) return Action.Text;
  const lower = key.toLowerCase();
  if (DB_KEYS.has(lower)) return Action.Db;
  if (QUERY_KEYS.has(lower)) return Action.Query;
  if (PATH_KEYS.has(lower)) return Action.Path;
  if (URL_KEYS.has(lower)) return Action.Url;
  if (SAFE_KEYS.has(lower)) return Action.Safe;
  return Action.Text;
}

/**
 * Whether the span's database reads `"…"` as a string literal: MySQL and MariaDB do (unless in
 * ANSI_QUOTES mode, where masking an identifier is the safe mistake), so `IDENTIFIED BY "…"` holds
 * a password there, not a name.
 */
function doubleQuotesStrings(attributes: Attributes): boolean {
  const system = attributes['db.system.name'] ?? attributes['db.system'];
  return system === 'mysql' || system === 'mariadb';
}

/** Which statements a span's database writes: SQL (masked), MySQL's (`"…"` a string), or Redis commands. */
enum Dialect {
  Sql = 0,
  MySql = 1,
  Redis = 2,
}

/**
 * A statement written as a JSON document or array (`{"find":…}`, `[{"insert":…}]`), as MongoDB's
 * and Elasticsearch's are: `{` or `[`, then a key, an object, an array or the end. Not an ODBC
 * escape (`{call proc(?)}`), which is SQL.
 */
function isJsonStatement(value: string): boolean {
  let i = 0;
  while (i < value.length && isWhiteSpace(value.charCodeAt(i))) i++;
  const open = value.charCodeAt(i);
  if (open !== 123 /* { */ && open !== 91 /* [ */) return false;
  i++;
  while (i < value.length && isWhiteSpace(value.charCodeAt(i))) i++;
  const next = value.charCodeAt(i);
  return next === 34 /* " */ || next === 123 || next === 91 || next === 125 /* } */ || next === 93; /* ] */
}

function dialectOf(attributes: Attributes): Dialect {
  if (doubleQuotesStrings(attributes)) return Dialect.MySql;
  const system = attributes['db.system.name'] ?? attributes['db.system'];
  return system === 'redis' ? Dialect.Redis : Dialect.Sql;
}

/** Compiles the options once; the returned functions do no allocation for keys that cannot match. */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const replacement = options.replacement ?? '[REDACTED]';
  const dbMode: DbStatementMode = options.dbStatement ?? 'mask';
  const keys = compileKeys(options.keys);
  const params = compileQueryParams(options.queryParams, keys.userNames);
  const patterns: readonly ValuePattern[] = DEFAULT_VALUE_PATTERNS;
  const userPatterns = compileUserPatterns(options.patterns);
  const alwaysRun = patterns.map((p) => p.regex.flags.includes('i'));
  // Made once, not for every value scrubbed.
  const picks = patterns.map(pickOf);
  const insensitive = patterns.flatMap((_p, i) => (alwaysRun[i] ? [i] : []));
  const alone = patterns.flatMap((p, i) => (!alwaysRun[i] && testedAlone(p) ? [i] : []));
  const combined = patterns.flatMap((p, i) => (alwaysRun[i] || testedAlone(p) ? [] : [i]));
  const anchorTests = combinePatterns(patterns, combined);
  const aloneTests = alone.map(
    (i) => new RegExp(patterns[i]!.regex.source, patterns[i]!.regex.flags.replace('g', '')),
  );

  // Every pattern through replaceSome, so each secret it finds counts against the value's budget:
  // with String#replace, 256 KB of `Bearer ` was 18,724 secrets replaced one by one (budget.ts).
  function applyPattern(text: string, i: number, budget: SecretBudget): string {
    return replaceSome(text, patterns[i]!.regex, replacement, picks[i], budget, patterns[i]!.prefix);
  }
  const inline = createInlineScrubber(replacement, keys.userNames);
  const phrases = createPhraseScrubber(replacement);
  const xml = createXmlScrubber(replacement, keys.userNames);
  // The names of the `name=value` rules, for the passes that read a pair written another way.
  const pairNames = inlineSecretSuffixes(keys.userNames);
  const namedValues = createNamedValueScrubber(replacement, pairNames);
  const pairTuples = createPairTupleScrubber(replacement, pairNames);
  const setCookie = createSetCookieScrubber(replacement);
  const sqlPasswords = createSqlPasswordScrubber(replacement);
  const encodedNames = createEncodedNameScrubber(params, replacement);
  const escapedSeparators = createEscapedSeparatorScrubber(replacement, pairNames);
  const userinfo = createUserinfoScrubber(replacement);
  const cliFlags = createCliFlagScrubber(replacement);
  const fromLiteral = createFromLiteralScrubber(replacement);
  const httpClientFlags = createHttpClientFlagScrubber(replacement);
  const configSet = createConfigSetScrubber(replacement);
  const redisCliAuth = createRedisCliAuthScrubber(replacement);
  const authUserPass = createAuthUserPassScrubber(replacement);
  const positional = createPositionalPasswordScrubber(replacement);
  const stdinPasswords = createStdinPasswordScrubber(replacement);
  const oracleLogins = createOracleLoginScrubber(replacement);
  const pgErrors = createPgErrorScrubber(replacement);
  const dbErrors = createDbErrorValueScrubber(replacement);
  const rawHeaders = createRawHeaderScrubber(replacement);
  const redisStatement = createRedisStatementScrubber(replacement, (text, from, to) =>
    endsInSecretName(text, from, to, SECRET_KEY_ENDINGS, true),
  );

  const keyCache = new KeyCache<Action>(MAX_CACHED_KEYS);
  // One budget, made fresh for each value scrubbed: scrubbing never runs inside another scrub (the
  // log line of reportSpent may scrub with this very redactor, but only once the value is done).
  const shared = secretBudget();

  function actionFor(key: string): Action {
    let action = keyCache.get(key);
    if (action === undefined) {
      action = classify(key, keys);
      keyCache.set(key, action);
    }
    return action;
  }

  /** `statement`: a masked database statement, where the auth-scheme pattern would take `token varchar` for one. */
  function patternsOnly(value: string, budget: SecretBudget, statement = false): string {
    let out = value;
    // The case-insensitive ones run on every text but a statement; the rest only when the
    // combined test found one of them (most values: none). Index lists, not a loop over every
    // pattern testing its flags: that loop was most of this function's time for short values.
    // Indexed loops: for-of's iterator was allocated for every value on Node 24 and 26 (+16 bytes
    // a value scrubbed, span-end-allocation.test.ts).
    if (!statement)
      for (let k = 0; k < insensitive.length; k++) out = applyPattern(out, insensitive[k]!, budget);
    if (anyMatches(anchorTests, value))
      for (let k = 0; k < combined.length; k++) out = applyPattern(out, combined[k]!, budget);
    for (let k = 0; k < alone.length; k++)
      if (aloneTests[k]!.test(out)) out = applyPattern(out, alone[k]!, budget);
    for (const regex of userPatterns) out = replaceWindowed(out, regex, replacement, budget);
    return out;
  }

  /**
   * Says once per process that a value's tail was replaced whole (budget.ts). Called only when the
   * budget was spent, so the line (and an attribute's name in it) is not built for every value.
   */
  function reportSpent(what: string): void {
    log.warnOnce(
      'redaction.budget',
      `scrubbing: ${what} held more than ${MAX_SECRETS_PER_VALUE} secrets, so from the next one on the rest of ` +
        'it was replaced whole (each secret found costs the event loop; this message once per process)',
    );
  }

  function scrubText(value: string, budget: SecretBudget): string {
    const urls = redactUrlsInText(patternsOnly(value, budget), params, budget);
    // After the URLs: a URL's userinfo is theirs (`REDACTED:REDACTED@`), and is then left alone.
    const flags = redisCliAuth(
      configSet(
        httpClientFlags(
          fromLiteral(cliFlags(oracleLogins(userinfo(urls, budget), budget), budget), budget),
          budget,
        ),
        budget,
      ),
      budget,
    );
    const credentials = authUserPass(stdinPasswords(positional(flags, budget), budget), budget);
    const pairs = phrases(inline(escapedSeparators(encodedNames(credentials, budget), budget), budget));
    const markup = setCookie(pairTuples(namedValues(xml(pairs, budget), budget), budget), budget);
    const databases = dbErrors(pgErrors(sqlPasswords(markup, budget), budget), budget);
    return rawHeaders(databases, budget);
  }

  function text(value: string): string {
    const budget = restart(shared);
    const out = scrubText(value, budget);
    if (budget.spent) reportSpent('a text');
    return out;
  }

  /** A URL; a JDBC URL's Oracle login too (`jdbc:oracle:thin:scott/tiger@host:1521:ORCL`, oracle-logins.ts). */
  function scrubUrl(value: string, budget: SecretBudget): string {
    const url = redactUrl(value, params, budget);
    return isOracleJdbcUrl(url) ? oracleLogins(url, budget) : url;
  }

  /** `url.path`: its parameters (`;jsessionid=…`), then its credential-like segments. */
  function scrubPath(value: string, budget: SecretBudget): string {
    const withParams = redactPathParams(value, 0, value.length, params, budget);
    return budget.spent ? withParams : redactPathSecrets(withParams, 0, withParams.length, budget);
  }

  function scrubString(action: Action, value: string, key: string, dialect = Dialect.Sql): string {
    if (action === Action.Secret) return replacement;
    if (action === Action.Db && dbMode !== 'mask') return dbMode === 'keep' ? value : hashSql(value);
    const budget = restart(shared);
    const out =
      // Masking takes literals; a bare word is kept, and a Redis command's arguments are bare words
      // (`SISMEMBER revoked <JWT>`, `GET cache:ghp_…`), so the value patterns run too: first, on
      // the statement as written (masking would have cut `acct-123456` into `acct-?`).
      action === Action.Db
        ? dialect === Dialect.Redis
          ? maskSql(redisStatement(patternsOnly(value, budget, true), budget))
          : // A JSON statement (MongoDB, Elasticsearch, set by hand): masking reads `"…"` as a name,
            // so `{"filter":{"password":"hunter2"}}` went out whole; its name/value pairs are
            // scrubbed as in text first.
            maskSql(
              isJsonStatement(value) ? scrubText(value, budget) : patternsOnly(value, budget, true),
              dialect === Dialect.MySql,
            )
        : action === Action.Url
          ? patternsOnly(scrubUrl(value, budget), budget)
          : action === Action.Query
            ? patternsOnly(redactQuery(value, params, budget), budget)
            : action === Action.Cookie
              ? scrubCookieHeader(value, replacement, budget)
              : action === Action.Path
                ? scrubText(scrubPath(value, budget), budget)
                : scrubText(value, budget);
    if (budget.spent)
      reportSpent(`the value of attribute '${key.length > 64 ? `${key.slice(0, 64)}…` : key}'`);
    return out;
  }

  function scrubValue(
    action: Action,
    value: AttributeValue,
    key: string,
    dialect = Dialect.Sql,
  ): AttributeValue {
    if (typeof value === 'string') return scrubString(action, value, key, dialect);
    if (Array.isArray(value)) {
      if (action === Action.Secret) return value.map(() => replacement);
      let out: (string | number | boolean | null | undefined)[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item !== 'string') continue;
        const scrubbed = scrubString(action, item, key, dialect);
        if (scrubbed !== item) {
          out ??= value.slice();
          out[i] = scrubbed;
        }
      }
      // `req.rawHeaders` kept as an attribute: name, value, name, value (raw-headers.ts).
      for (let i = 0; i + 1 < value.length; i += 2) {
        const name = value[i];
        if (typeof name === 'string' && typeof value[i + 1] === 'string' && isSecretHeaderName(name)) {
          out ??= value.slice();
          out[i + 1] = replacement;
        }
      }
      return (out as AttributeValue | undefined) ?? value;
    }
    return action === Action.Secret ? replacement : value;
  }

  const redactor: Redactor = {
    attributes(attributes) {
      let dialect: Dialect | undefined;
      for (const key in attributes) {
        const value = attributes[key];
        if (value == null) continue;
        const action = actionFor(key);
        if (action === Action.Safe) continue;
        if (action !== Action.Secret && typeof value !== 'string' && !Array.isArray(value)) continue;
        if (action === Action.Db) dialect ??= dialectOf(attributes);
        // An argument list on a span, as the resource's (args.ts): `-u` then `user:pw` are one secret.
        const scrubbed =
          key === COMMAND_ARGS && action === Action.Text && isStringArray(value)
            ? scrubArgs(value, redactor, replacement)
            : scrubValue(action, value, key, dialect);
        if (scrubbed !== value) attributes[key] = scrubbed;
      }
    },
    text,
    url(value) {
      const budget = restart(shared);
      const out = redactUrl(value, params, budget);
      if (budget.spent) reportSpent('a URL');
      return out;
    },
  };
  return redactor;
}

/** The semantic conventions' argument list (`process.command_args`), a span's as the resource's. */
const COMMAND_ARGS = 'process.command_args';

function isStringArray(value: AttributeValue): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}
