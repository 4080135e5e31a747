import { isWord } from './chars.js';
import {
  isNegated,
  isOneDashSecretName,
  K_PASSWORD_TOOLS,
  P_PASSWORD_TOOLS,
  UPPER_N_PASSWORD_TOOLS,
  UPPER_P_PASSWORD_TOOLS,
  W_PASSWORD_TOOLS,
} from './cli-flags.js';
import { isSecretSetting, MAX_PAIRS, settingCommand } from './config-set.js';
import { httpClientCredentialAt, httpClientFlag, httpClientOf } from './http-client-flags.js';
import { hideOracleLogin, oracleToolOf } from './oracle-logins.js';
import { PASS_PHRASE_FLAGS, passPhraseSecretAt } from './pass-phrase-args.js';
import { MAX_WORDS, positionalPassword, positionalToolOf } from './positional-passwords.js';
import type { Redactor } from './redactor.js';

// A flag name that says its value is a secret: `--password`, `--db-pass`, `--api-key`,
// `--client-secret`, `--auth-token`, `--private-key-file`... Over-matching (`--keyfile`) only hides
// a value, under-matching leaks one.
const SECRET_FLAG = /pass|pwd|secret|token|key|auth|credential|cookie|session|private|signature|bearer|jwt/i;
// `--user admin:pw`, `-u admin:pw`, `--user=admin:pw` (curl's and friends' form): a password after
// the colon, which text scrubbing cannot tell from any `a:b`.
const USER_FLAG = /^(?:--?user|-u)$/i;
// `--name=value` / `-name=value`; the name is short, the value anything.
const FLAG_WITH_VALUE = /^(--?[A-Za-z0-9][\w.-]{0,127})=/;
const BARE_FLAG = /^--?[A-Za-z0-9][\w.-]{0,127}$/;
// redis-cli's `-a password` (and its forks'): elsewhere `-a` is a common flag (`ls -a`).
const REDIS_CLIS = ['redis-cli', 'valkey-cli', 'keydb-cli'];
// `-a password` as one argument (a wrapper that passes the flag and its value together).
const REDIS_PASSWORD_ARG = /^-a[ \t]+(?=[^ \t-])/;

/** The tools whose `-p` takes a glued password (cli-flags.ts's GLUED_P_NEEDLES): mysql's, mariadb's, sshpass, 7-Zip. */
const GLUED_P_TOOLS = /^(?:mysql|mariadb|sshpass|7z)/i;

/** A program's name from its path (`/usr/bin/redis-cli`, `redis-cli.exe`): `redis-cli`. */
function programName(arg: string): string {
  const base = arg.slice(Math.max(arg.lastIndexOf('/'), arg.lastIndexOf('\\')) + 1);
  return base.toLowerCase().endsWith('.exe') ? base.slice(0, -4) : base;
}

/** Whether `arg` is a redis-cli program, by its file name. */
function isRedisCli(arg: string): boolean {
  return REDIS_CLIS.includes(programName(arg));
}

/**
 * The short flags whose next argument is a password after `arg` (cli-flags.ts's tools): `-p` after
 * sshpass and after `login` that follows docker, podman, az or another of cli-flags.ts's tools, `-P`
 * after sqlcmd, `-w` after an OpenLDAP client, `-k` after openssl, `-P` and `-N` after ssh-keygen;
 * undefined for any other argument.
 */
function passwordFlagsAfter(arg: string, previous: string | undefined): readonly string[] | undefined {
  if (arg === 'login' && previous !== undefined) {
    const program = programName(previous);
    return P_PASSWORD_TOOLS.includes(`${program} login`) ? ['-p'] : undefined;
  }
  const program = programName(arg);
  const flags: string[] = [];
  if (P_PASSWORD_TOOLS.includes(program)) flags.push('-p');
  if (UPPER_P_PASSWORD_TOOLS.includes(program)) flags.push('-P');
  if (W_PASSWORD_TOOLS.includes(program)) flags.push('-w');
  if (K_PASSWORD_TOOLS.includes(program)) flags.push('-k');
  if (UPPER_N_PASSWORD_TOOLS.includes(program)) flags.push('-N');
  return flags.length === 0 ? undefined : flags;
}

/**
 * Scrubs a command line given as separate arguments (`process.command_args`):
 * - `--db-url=postgres://admin:pw@db/prod` keeps the name and scrubs the value as text (URL
 *   userinfo, tokens, `password=` pairs);
 * - `--api-key=…`, and `--password secret` (the value in the next argument) hide the value; a
 *   negated flag, `--no-password`, takes none;
 * - after curl `-b` cookie data, `-E`/`--cert` a certificate's password, after HTTPie `-a user:pw`
 *   (http-client-flags.ts);
 * - `aws configure set`, `npm config set` a secret-named setting's value, `dotnet user-secrets set` any
 *   (config-set.ts);
 * - kubectl's `--from-literal=key=…` hides the value whatever the key, but after `create configmap`;
 * - `-p…` (a password glued to `-p`, as mysql and psql-style tools take it) hides what follows `-p`;
 * - after redis-cli (valkey-cli, keydb-cli), `-a password` hides the password, also as one argument;
 *   after sshpass, `docker login`, `az login` (and the other `login`s of cli-flags.ts) `-p password`, after sqlcmd `-P password`, after
 *   an OpenLDAP client `-w password`;
 * - after sqlplus, sqlldr, expdp, impdp or rman, `scott/tiger@orcl` (and `scott/tiger`) hides the
 *   password, after exp and imp `scott/tiger@orcl` (oracle-logins.ts);
 * - any other argument is scrubbed as free text.
 */
export function scrubArgs(args: readonly string[], redactor: Redactor, replacement: string): string[] {
  const out: string[] = [];
  let hideNext = false;
  // The user flag whose value comes next (`-u`, `-U`, `--user`), or undefined.
  let userNext: string | undefined;
  let redisCli = false;
  let passwordFlags: readonly string[] | undefined;
  let previous: string | undefined;
  let oracleTool = 0;
  let passPhraseNext = false;
  // A tool whose `-p` takes the password glued (`mysql -pSecret`): `-password` is `-p` and `assword`.
  let gluedP = false;
  // `kubectl create configmap` (or `cm`): its `--from-literal` values are no secrets.
  let configMap = false;
  // curl or HTTPie (http-client-flags.ts), and the credential its last flag takes next.
  let httpClient = 0;
  let clientNext = 0;
  // `config set`, `configure set`, `user-secrets set` in any case (config-set.ts): the command word, once `set` follows it.
  let settingOf: string | undefined;
  // Redis 7's `CONFIG SET name value [name value …]` in redis-cli's arguments: the argument after
  // each value is the next name, up to MAX_PAIRS in all.
  let nextSettingAt = -1;
  let settingPairs = 0;
  // redis-cli's `AUTH [username] password` (redis-cli-auth.ts): the two arguments after it.
  let authLeft = 0;
  const positional = positionalPasswords(args);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const before = previous;
    previous = arg;
    if (authLeft > 0) {
      authLeft--;
      out.push(isScrubbedArg(arg, 0, replacement) ? arg : replacement);
      continue;
    }
    if (i === nextSettingAt && !arg.startsWith('-')) settingOf = 'config';
    const offset = positional?.get(i);
    if (offset !== undefined) {
      out.push(isScrubbedArg(arg, offset, replacement) ? arg : arg.slice(0, offset) + replacement);
      continue;
    }
    if (userNext !== undefined) {
      const at = arg.startsWith('-') ? -1 : passwordAt(arg, isSambaUser(userNext));
      userNext = undefined;
      if (at !== -1) {
        out.push(withoutPassword(arg, at, replacement));
        continue;
      }
    }
    if (clientNext !== 0) {
      const at = arg.startsWith('-') ? -1 : httpClientCredentialAt(clientNext, arg);
      clientNext = 0;
      if (at !== -1) {
        out.push(arg.slice(0, at) + replacement);
        continue;
      }
    }
    if (passPhraseNext) {
      passPhraseNext = false;
      const at = arg.startsWith('-') ? -1 : passPhraseSecretAt(arg, 0, arg.length);
      if (at !== -1) {
        out.push(arg.slice(0, at) + replacement);
        continue;
      }
    }
    if (hideNext) {
      hideNext = false;
      if (!arg.startsWith('-')) {
        out.push(replacement);
        continue;
      }
    }
    if (oracleTool !== 0) {
      const login = hideOracleLogin(arg, oracleTool, replacement);
      if (login !== arg) {
        out.push(login);
        continue;
      }
    }
    const redisPassword = redisCli ? REDIS_PASSWORD_ARG.exec(arg) : null;
    if (redisPassword) {
      out.push(redisPassword[0] + replacement);
      continue;
    }
    configMap ||= (arg === 'configmap' || arg === 'cm') && before === 'create';
    const withValue = FLAG_WITH_VALUE.exec(arg);
    if (withValue) {
      const name = withValue[1]!;
      const value = arg.slice(withValue[0].length);
      // kubectl's `create secret … --from-literal=key=value`: every value is a secret (from-literal.ts).
      const key = name === '--from-literal' && !configMap ? value.indexOf('=') : -1;
      if (key > 0 && key < value.length - 1) {
        out.push(`${name}=${value.slice(0, key + 1)}${replacement}`);
        continue;
      }
      const at = USER_FLAG.test(name) ? passwordAt(value, isSambaUser(name)) : -1;
      out.push(
        `${name}=${
          SECRET_FLAG.test(name)
            ? replacement
            : at !== -1
              ? withoutPassword(value, at, replacement)
              : redactor.text(redactor.url(value))
        }`,
      );
      continue;
    }
    // OpenSSL's `-passin env:VAR` names where the password is (pass-phrase-args.ts).
    if (PASS_PHRASE_FLAGS.includes(arg)) {
      passPhraseNext = true;
      out.push(arg);
      continue;
    }
    // `-password pw` (Go's flags): the value is the next argument, not `assword` after mysql's `-p`.
    if (!gluedP && arg.startsWith('-p') && BARE_FLAG.test(arg) && isOneDashSecretName(arg, 1, arg.length)) {
      hideNext = true;
      out.push(arg);
      continue;
    }
    if (arg.length > 2 && arg.startsWith('-p') && arg[2] !== '-') {
      out.push(`-p${replacement}`);
      continue;
    }
    if (settingOf !== undefined && !arg.startsWith('-')) {
      // The setting's name: its value, the next argument, is hidden when it is a secret.
      hideNext = isSecretSetting(settingOf, arg);
      if (redisCli && settingOf === 'config' && ++settingPairs < MAX_PAIRS) nextSettingAt = i + 2;
      settingOf = undefined;
      out.push(redactor.text(arg));
      continue;
    }
    if (redisCli && isWord(arg, 0, arg.length, 'auth')) {
      authLeft = 2;
      out.push(arg);
      continue;
    }
    const command = settingCommand(before, arg);
    if (command !== undefined) {
      settingOf = command;
      settingPairs = 0;
    }
    if (BARE_FLAG.test(arg)) {
      // `--no-password` takes no value (cli-flags.ts's isNegated): the next argument is kept.
      hideNext =
        (SECRET_FLAG.test(arg) && !(arg.startsWith('--') && isNegated(arg, 2, arg.length))) ||
        (redisCli && arg === '-a') ||
        passwordFlags?.includes(arg) === true;
      userNext = USER_FLAG.test(arg) ? arg : undefined;
      clientNext = httpClientFlag(httpClient, arg);
      out.push(arg);
      continue;
    }
    redisCli ||= isRedisCli(arg);
    httpClient ||= httpClientOf(programName(arg));
    gluedP ||= GLUED_P_TOOLS.test(programName(arg));
    passwordFlags = passwordFlagsAfter(arg, before) ?? passwordFlags;
    oracleTool = Math.max(oracleTool, oracleToolOf(arg));
    out.push(redactor.text(arg));
  }
  return out;
}

/** Words that end a command in an argument list (`sh -c`-style lists, `&&` passed as an argument). */
const COMMAND_ENDS = [';', '&&', '||', '|', '&'];

/**
 * The passwords that tools take as a plain argument (positional-passwords.ts: `htpasswd -b file
 * user pw`, `net use \\h\s pw`): by argument index, where in the argument each starts.
 */
function positionalPasswords(args: readonly string[]): Map<number, number> | undefined {
  let found: Map<number, number> | undefined;
  for (let i = 0; i < args.length; i++) {
    const tool = positionalToolOf(args[i]!);
    if (tool === 0) continue;
    let end = i + 1;
    while (end < args.length && end - i <= MAX_WORDS && !COMMAND_ENDS.includes(args[end]!)) end++;
    const at = positionalPassword(tool, args.slice(i + 1, end));
    if (at !== undefined) {
      found ??= new Map();
      found.set(i + 1 + at[0], at[1]);
    }
  }
  return found;
}

/** Whether the password of `arg` from `offset` on is scrubbed already. */
function isScrubbedArg(arg: string, offset: number, replacement: string): boolean {
  const rest = arg.slice(offset);
  return rest === replacement || rest === 'REDACTED' || rest === '';
}

/** Samba's user flags (`-U`, `--user`), which also take `user%password`. */
function isSambaUser(flag: string): boolean {
  return flag === '-U' || flag === '--user';
}

/**
 * Where the password of a user flag's value starts after its separator: `user:password`, not a
 * URL (`redis-cli -u redis://:pw@h:6379`, scrubbed as text: its userinfo goes, its host and port
 * stay); after Samba's flags `user%password` when there is no colon. -1 when there is none.
 */
function passwordAt(value: string, samba: boolean): number {
  const colon = value.indexOf(':');
  if (colon !== -1) return value.startsWith('//', colon + 1) ? -1 : colon;
  return samba ? value.indexOf('%') : -1;
}

/** `admin:pw` → `admin:[REDACTED]` (`bob%pw` → `bob%[REDACTED]`), the separator at `at`. */
function withoutPassword(value: string, at: number, replacement: string): string {
  return `${value.slice(0, at + 1)}${replacement}`;
}
