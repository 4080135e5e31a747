/** `x-hub-signature` → `x_hub_signature`: a header's name in a CGI-style environment. */
function underscored(names: readonly string[]): string[] {
  return names.map((name) => name.replaceAll('-', '_'));
}

/**
 * Webhook signature headers: GitHub's `x-hub-signature(-256)`, Stripe's, Slack's, Twilio's,
 * Shopify's, Standard Webhooks' (`webhook-signature`, Svix's `svix-signature`) and LINE's. Each is an
 * HMAC of the request body (Twilio's: of the URL and form) under the endpoint's secret. They went out
 * (until 2026-12-07) as header attributes, in raw header lists and in `name: value` text: whoever
 * reads the trace can replay the delivery (GitHub's signs no timestamp; Stripe's and Standard
 * Webhooks' are accepted for minutes), and with the body, often on the same span, test guesses of a
 * weak secret offline. No name says key or token; `signature` alone stays no name (fetch and DOM
 * text use it).
 */
export const WEBHOOK_SIGNATURE_HEADERS: readonly string[] = [
  'x-hub-signature',
  'x-hub-signature-256',
  'stripe-signature',
  'x-slack-signature',
  'x-twilio-signature',
  'x-shopify-hmac-sha256',
  'webhook-signature',
  'svix-signature',
  'x-line-signature',
];

/**
 * Attribute keys whose whole value is secret. Compared lowercased with `_` read as `-`, against the
 * full key and its last dotted segment, so `http.request.header.authorization`,
 * `http.request.header.x_api_key` and a custom `auth.password` all match.
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
  'x-goog-api-key',
  'x-vault-token',
  // Honeycomb's API key header (`OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team=…`, as its docs set
  // it up) and Azure Functions' function key: neither name says key or token.
  'x-honeycomb-team',
  'x-functions-key',
  ...WEBHOOK_SIGNATURE_HEADERS,
  'x-session-token',
  'x-refresh-token',
  'password',
  'passwd',
  'secret',
  'client-secret',
  'access-token',
  'refresh-token',
  'id-token',
  'private-key',
  'connection-string',
];

/**
 * Names that, written `name=value` / `name: value` / `"name":"value"` in free text, mark a secret
 * value. Literal, matched case-insensitively (inline.ts), tried in this order.
 */
export const INLINE_SECRET_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'cookies',
  'set-cookie',
  'x-api-key',
  'api-key',
  'api_key',
  'apikey',
  'x-auth-token',
  'x-csrf-token',
  // Honeycomb's API key header, Azure Functions' function key (DEFAULT_SECRET_KEYS).
  'x-honeycomb-team',
  'x-functions-key',
  ...WEBHOOK_SIGNATURE_HEADERS,
  // The same headers as CGI, Rack and WSGI name them in the environment (`HTTP_X_HUB_SIGNATURE_256=…`,
  // a logged `request.env`): a name's ending matches, in any case.
  ...underscored(['x-honeycomb-team', 'x-functions-key', ...WEBHOOK_SIGNATURE_HEADERS]),
  // OAuth 1.0a's request signature (`?oauth_signature=…`, an `OAuth …` header's parameter) and
  // Shopify's OAuth redirect's (`?code=…&hmac=…&shop=…`), which went out whole: these exact names
  // only (`oauth_signature_method=HMAC-SHA1` and `signature=valid` are kept).
  'oauth_signature',
  'hmac',
  'access-token',
  'access_token',
  'accesstoken',
  'refresh-token',
  'refresh_token',
  'refreshtoken',
  'client-secret',
  'client_secret',
  'clientsecret',
  'secret-key',
  'secret_key',
  'secretkey',
  'secret_access_key',
  'secret-access-key',
  'accesskey',
  'accountkey',
  'private-key',
  'private_key',
  'privatekey',
  // Azure API Management's `Ocp-Apim-Subscription-Key`, and others' subscription keys.
  'subscription-key',
  'subscription_key',
  // Vault AppRole's `secret_id=…` (`vault write auth/approle/login role_id=… secret_id=…`,
  // `VAULT_SECRET_ID=…`) went out whole.
  'secret-id',
  'secret_id',
  'secretid',
  // A session id is the session: `session_id=…` in a log line went out whole.
  'session-id',
  'session_id',
  'sessionid',
  'password',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'secret',
  'token',
  // Keys that sign or encrypt: `JWT_SIGNING_KEY=`, `hmac_key=`, `ENCRYPTION_KEY=`, Rails'
  // `RAILS_MASTER_KEY=` and `SECRET_KEY_BASE=` went out whole (`key` alone is no name: `cache_key`,
  // `public_key`, `sort_key`).
  'signing-key',
  'signing_key',
  'signingkey',
  'hmac-key',
  'hmac_key',
  'hmackey',
  'encryption-key',
  'encryption_key',
  'encryptionkey',
  'master-key',
  'master_key',
  'masterkey',
  'secret-key-base',
  'secret_key_base',
  // npm's legacy `_auth=<base64 user:password>` (`.npmrc`, `npm_config__auth`): `auth` alone is
  // no name (`auth=none`, `oauth=`), only with its underscore after a character that is not a
  // letter or digit (`//registry/:_auth=`, not `basic_auth=`).
  '_auth',
];

/**
 * Of those, the names that mark a secret also glued to a word before them, as environment
 * variables and camelCase keys write them: `PGPASSWORD=…`, `MYSQL_PWD=…`, `DBPASSWORD=…`,
 * `REDIS_PASS=…`, `MYTOKEN=…`, `dbPassword: …`, `userApiKey=…`, an AWS credentials object's
 * `secretAccessKey`, Azure's `AccountKey=` and `SharedAccessKey=` went out whole, since a name had to
 * start after a character that is not a letter or digit. Over-matching (`bypass=1`,
 * `nextPageToken=…`) only hides a value; the names are single-part.
 */
export const INLINE_GLUED_NAMES: readonly string[] =
  'password passwd passphrase pass pwd secret token apikey api_key secretkey secret_key privatekey private_key accesskey accountkey signingkey encryptionkey masterkey'.split(
    ' ',
  );

/**
 * Of those, the names whose value is often several words (a passphrase): after `name:` (YAML, a
 * log's prose) the words that follow on the line are part of it (phrase-values.ts). After `=` a
 * space ends the value, as in a shell, a query or logfmt.
 */
export const INLINE_PHRASE_NAMES: readonly string[] = [
  'passphrase',
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
];

/**
 * Of those, the names whose value runs to the end of the line (`Cookie: a=1; b=2`), spaces included.
 * Stripe's signature is `t=…,v1=…,v0=…`, Standard Webhooks' `v1,<base64> v1,<base64>`: a `,` or a
 * space ended the value and the signatures after it went out.
 */
export const INLINE_MULTI_PART_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'cookies',
  'set-cookie',
  'stripe-signature',
  'webhook-signature',
  'svix-signature',
  ...underscored(['stripe-signature', 'webhook-signature', 'svix-signature']),
];

export interface ValuePattern {
  readonly regex: RegExp;
  /**
   * What every match of `regex` starts with, as a regex source, at the start of a word (`\b` before
   * it, as in the pattern): its literal prefix (`AIza`). A text is searched once for all the
   * patterns' anchors (the combined test, redactor.ts) and each pattern runs only when one was
   * found. Searching for the whole patterns instead cost 1.1 ms for 256 KB of prose (only their
   * first characters decide that nothing matches), 0.6 with the anchors.
   */
  readonly wordAnchor?: string;
  /** The same, for a pattern whose matches need not start a word. Without either, the pattern itself is searched for. */
  readonly anchor?: string;
  /** Extra check on a match (e.g. Luhn), false keeps the text. */
  readonly accept?: (match: string) => boolean;
  /**
   * The regex is `(secret)|run`: a match where group 1 did not take part is kept as it is. The
   * second alternative consumes the run a failed attempt scanned, so the engine never retries
   * inside it (see the JWT pattern).
   */
  readonly guarded?: boolean;
  /** Group 1 is kept (a URL's host and fixed path) and the rest of the match replaced. */
  readonly prefix?: boolean;
}

/** Luhn check of the digits of a card-like match (spaces and dashes skipped), 13 to 19 of them. */
function luhn(match: string): boolean {
  // By char code from the right, no copy without the separators: ~14k matches in a 256 KB run.
  let sum = 0;
  let count = 0;
  for (let i = match.length - 1; i >= 0; i--) {
    const c = match.charCodeAt(i);
    if (c === 32 || c === 45) continue;
    let d = c - 48;
    if (count % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    count++;
  }
  return count >= 13 && count <= 19 && sum % 10 === 0;
}

/** The longest word an auth scheme's match may end in and still be read as prose. */
const LONGEST_PROSE_WORD = 20;

/**
 * Whether an auth scheme's match is a credential: Digest's parameters always, another scheme's
 * value unless it is a word of prose, lowercase letters after at most one capital and no longer
 * than LONGEST_PROSE_WORD (`expired`, `Authentication`). A credential (base64, a random token, a
 * JWT) holds digits, other capitals or punctuation; one of only lowercase letters is a placeholder.
 */
function notProse(match: string): boolean {
  const c = match.charCodeAt(0);
  if (c === 68 || c === 100) return true;
  let from = match.length;
  while (from > 0 && !isBlank(match.charCodeAt(from - 1))) from--;
  if (match.length - from > LONGEST_PROSE_WORD) return true;
  for (let i = from; i < match.length; i++) {
    const d = match.charCodeAt(i);
    if (!(d >= 97 && d <= 122) && !(i === from && d >= 65 && d <= 90)) return true;
  }
  return false;
}

/** `\s` as the pattern reads it, for the ASCII blanks a scheme and its value are written with. */
function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Secret-looking values replaced wherever they occur in a string. */
export const DEFAULT_VALUE_PATTERNS: readonly ValuePattern[] = [
  // Authorization schemes: `Bearer <token>`, `Basic <base64>`; Elasticsearch's `ApiKey <base64>`,
  // Okta's `SSWS <token>`, Kerberos' `Negotiate` and `NTLM` (a header value logged on its own).
  // HTTP Digest's parameters (RFC 7616: `Digest username="bob", …, response="6629…"`) first: as a
  // token it was `Digest username=` replaced and the response and nonce kept. Each value is bounded,
  // so an unclosed quote costs one bounded scan, not one to the end of the text per `Digest`. One
  // regex, so that every text value is searched once for all of them.
  // Not as a flag's name (`--token <value>`, `-token <value>`: cli-flags.ts scrubs it, keeping the
  // name; `X-Auth-Token <value>` still counts), nor a value that starts with `-`: in
  // `token -token abc123` the scheme took `-token` and kept the secret. A lowercase word
  // (capitalized at most) is prose, not a credential: `token expired for user bob`,
  // `Basic authentication failed`, `Negotiate protocol` (notProse).
  {
    regex:
      /\b(?:Digest\s+(?:[A-Za-z0-9_-]{1,64}=(?:"[^"\r\n]{0,128}"|[^\s,"]{0,128})[ \t]*,?[ \t]*)+|(?<!(?:^|\s)--?)(?:Bearer|Basic|Token|ApiKey|SSWS|Negotiate|NTLM)\s+[A-Za-z0-9._~+/][A-Za-z0-9\-._~+/]{5,}=*)/gi,
    accept: notProse,
  },
  // JWT / JWS: three base64url segments, the first being a JSON header (`{"` → `eyJ`). Linear time:
  // an attempt from one `eyJ` scans to the end of its base64url run; when it fails, every later
  // `eyJ` in that run fails too (same run end, shorter segment), so the second alternative swallows
  // the run. Without it, `eyJ-eyJ-…` cost one full scan per `eyJ`: 256 KB took ~18 s (issue 20).
  {
    regex: /\b(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)|\beyJ[A-Za-z0-9_-]*/g,
    wordAnchor: 'eyJ',
    guarded: true,
  },
  // An AWS secret access key right after its access key id (`AKIA… wJalr…`, credentials.csv's
  // `AKIA…,wJalr…`), with no name before it: 40 characters of [A-Za-z0-9/+], as a git SHA, base64 or
  // a path can be, so only with the id before it (secret scanners want such a context too:
  // trufflehog pairs the key with an id found near it, detect-secrets wants `aws`/`secret` on the
  // line), 1-16 characters apart, none a letter, digit, `+` or a line's end, the last no `/`, and
  // exactly 40 (a longer run is none). Before the id's pattern, which then hides the id kept here.
  // Linear: from each id, a bounded gap and a fixed length.
  {
    regex: /\b((?:AKIA|ASIA)[A-Z0-9]{16}[^A-Za-z0-9+\r\n]{1,16}(?<!\/))[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    wordAnchor: 'A(?:KI|SI)A',
    prefix: true,
  },
  // AWS access key ids.
  {
    regex: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g,
    wordAnchor: '(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)',
  },
  // PEM private keys (also cut off ones), and PGP ones (`-----BEGIN PGP PRIVATE KEY BLOCK-----`).
  {
    regex:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    anchor: '-----BEGIN ',
  },
  // Well-known token formats: GitHub, Slack, Stripe, Google API keys.
  {
    regex: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/g,
    wordAnchor: 'g(?:h[pousr]|ithub_pat)_',
  },
  // Slack's bot, user and app tokens, app-level (`xapp-1-…`) and refresh (`xoxe-1-…`) ones too.
  { regex: /\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}/g, wordAnchor: 'x(?:ox[abposre]|app)-' },
  { regex: /\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}/g, wordAnchor: '[sr]k_' },
  { regex: /\bAIza[0-9A-Za-z_-]{35}\b/g, wordAnchor: 'AIza' },
  // Webhook URLs whose path is the secret (anyone holding it can post): Slack, Discord, Microsoft
  // Teams, a Telegram bot's token. An alert sent from a service exported it in `url.full`. Host and
  // fixed path are kept: `https://hooks.slack.com/services/[REDACTED]`.
  {
    regex:
      /\b((?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api\/webhooks\/\d{1,25}|webhook\.office\.com\/webhookb2)\/|api\.telegram\.org\/(?:file\/)?bot)[A-Za-z0-9_:/@-]{8,}/g,
    wordAnchor: String.raw`(?:hooks\.slack\.com\/|discord|webhook\.office\.com\/|api\.telegram\.org\/)`,
    prefix: true,
  },
  // OpenAI and Anthropic API keys (project, service-account and admin keys; a legacy key by its
  // `T3BlbkFJ` marker), GitLab (personal, deploy, runner, CI job, trigger, OAuth app… tokens), npm,
  // Hugging Face, Stripe webhook secrets, Shopify, DigitalOcean, SendGrid, HashiCorp Vault (`hvs.`,
  // `hvb.`, `hvr.`), PyPI, Databricks, Grafana service accounts, New Relic, Postman, Linear,
  // Doppler, Terraform Cloud (after `.atlasv1.`, the token's id kept): a service's config dump or a
  // client's error (`{"openaiKey":"sk-proj-…"}`) carried them under names no rule knows. Each starts
  // with its literal prefix; a run after it is taken whole.
  {
    regex:
      /\bsk-(?:(?:proj|svcacct|admin)-|ant-(?:api|admin)\d\d-)[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b/g,
    wordAnchor: 'sk-',
  },
  {
    regex:
      /\b(?:gl(?:pat|oas|dt|rt|rtr|cbt|ptt|ft|imt|agent|soat|ffct)-[A-Za-z0-9_-]{20,}|hv[sbr]\.[A-Za-z0-9_-]{24,}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|dapi[0-9a-f]{32}(?:-\d)?\b|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}\b|NRAK-[A-Z0-9]{27}\b|PMAK-[0-9a-f]{24}-[0-9a-f]{34}\b|lin_api_[A-Za-z0-9]{40}\b|dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,}|atlasv1\.[A-Za-z0-9_-]{60,}|npm_[A-Za-z0-9]{36}\b|hf_[A-Za-z0-9]{34}\b|whsec_[A-Za-z0-9+/=]{24,}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b|do[opr]_v1_[a-f0-9]{64}\b|SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b)/g,
    wordAnchor: String.raw`(?:gl(?:pat|oas|dt|rt|rtr|cbt|ptt|ft|imt|agent|soat|ffct)-|hv[sbr]\.|pypi-|dapi|glsa_|NRAK-|PMAK-|lin_api_|dp\.|atlasv1\.|npm_|hf_|whsec_|shp(?:at|ss|ca|pa)_|do[opr]_v1_|SG\.)`,
  },
  // An AWS secret access key after its name and blanks only (`AWS_SECRET_ACCESS_KEY wJalr…` in an
  // env dump or a table, `secretAccessKey\t…`): no `=` or `:` for the inline pairs to find. Only
  // its shape, 40 base64 characters, so `secret_access_key is not set` stays. The name is kept.
  {
    regex:
      /([Ss][Ee][Cc][Rr][Ee][Tt][_-]?[Aa][Cc][Cc][Ee][Ss][Ss][_-]?[Kk][Ee][Yy][ \t]+)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    anchor: '[Ss][Ee][Cc][Rr][Ee][Tt][_-]?[Aa][Cc][Cc][Ee][Ss][Ss]',
    prefix: true,
  },
  // An Azure SAS token's signature outside a URL (a connection string's
  // `SharedAccessSignature=sv=…&sig=…`, Service Bus's `SharedAccessSignature sr=…&sig=…`): url.ts
  // hides `sig` only in a URL's query. An HMAC-SHA256 in base64, 40 characters or more (escaped or
  // not), so `sig=9` and `sig=SIGTERM` stay. `sig=` is kept.
  { regex: /(\bsig=)[A-Za-z0-9%+/]{40,}=*/g, wordAnchor: 'sig=', prefix: true },
  // An S3 presigned URL's signature outside a URL (`GET /bucket/key?…&X-Amz-Signature=…` in an
  // error or a log line without the scheme and host): anyone holding the path and its signature can
  // use it until it expires. url.ts hides it only in a whole URL. SigV4's HMAC-SHA256 in hex, 64
  // characters, so `X-Amz-Signature=` with anything else stays. The name is kept.
  {
    regex: /(\b[Xx]-[Aa][Mm][Zz]-[Ss][Ii][Gg][Nn][Aa][Tt][Uu][Rr][Ee]=)[0-9a-fA-F]{64}(?![0-9a-zA-Z])/g,
    wordAnchor: '[Xx]-[Aa][Mm][Zz]-',
    prefix: true,
  },
  // Payment-card-like digit runs (13–19 digits, optional single space/dash separators, card-range
  // first digit, Luhn-valid): epoch-millisecond timestamps start with 1 and are left alone. Not
  // inside a word: a random hex id (a trace id, a hash) can hold such a run between two letters,
  // and our own log line once named "trace c4f76076d4bec2edb[REDACTED]".
  { regex: /(?<![\w-])[3-6]\d{3}(?:[ -]?\d){9,15}(?![\w-])/g, accept: luhn },
];
