/**
 * Every instrumentation @opentelemetry/auto-instrumentations-node 0.81 offers, keyed by the short
 * name `OTEL_NODE_ENABLED_INSTRUMENTATIONS` uses (the package name without
 * `@opentelemetry/instrumentation-`), with the modules each one patches. The module list is what
 * lets us defer loading the package until one of those modules is first required or imported;
 * `test/integration/instrumentations-lazy.test.ts` checks it against each package's `getModuleDefinitions()`.
 */

/** How an instrumentation is triggered. */
export type Trigger =
  /** Load when one of `modules` is first required/imported. */
  | { readonly kind: 'module'; readonly modules: readonly string[] }
  /** Load on the first message of a diagnostics channel, then hand that message to its handler. */
  | { readonly kind: 'channel'; readonly channel: string }
  /** Nothing to wait for (metrics, or a handler path only known at run time): load at start. */
  | { readonly kind: 'start' };

export interface CatalogueEntry {
  /** Short name, e.g. `pg`; also what `OTEL_NODE_*_INSTRUMENTATIONS` list. */
  readonly name: string;
  /** The npm package that implements it. */
  readonly pkg: string;
  /** The exported Instrumentation class. */
  readonly className: string;
  readonly trigger: Trigger;
  /** Part of the default set. */
  readonly defaultOn: boolean;
}

const on = true;
const off = false;
const mod = (...modules: string[]): Trigger => ({ kind: 'module', modules });

// [short name, class, trigger, default]
const ROWS: readonly (readonly [string, string, Trigger, boolean])[] = [
  ['amqplib', 'AmqplibInstrumentation', mod('amqplib'), on],
  // Only meaningful inside AWS Lambda, where the handler module comes from `_HANDLER`.
  ['aws-lambda', 'AwsLambdaInstrumentation', { kind: 'start' }, off],
  [
    'aws-sdk',
    'AwsInstrumentation',
    mod(
      '@aws-sdk/middleware-stack',
      '@smithy/middleware-stack',
      '@smithy/core',
      '@aws-sdk/smithy-client',
      '@smithy/smithy-client',
    ),
    on,
  ],
  ['bunyan', 'BunyanInstrumentation', mod('bunyan'), on],
  ['cassandra-driver', 'CassandraDriverInstrumentation', mod('cassandra-driver'), on],
  ['connect', 'ConnectInstrumentation', mod('connect'), on],
  ['cucumber', 'CucumberInstrumentation', mod('@cucumber/cucumber'), on],
  ['dataloader', 'DataloaderInstrumentation', mod('dataloader'), on],
  // A span per lookup / per socket / per file call: noise for a service, off unless asked for.
  ['dns', 'DnsInstrumentation', mod('dns', 'dns/promises'), off],
  ['express', 'ExpressInstrumentation', mod('express'), on],
  ['fs', 'FsInstrumentation', mod('fs', 'fs/promises'), off],
  ['generic-pool', 'GenericPoolInstrumentation', mod('generic-pool'), on],
  ['graphql', 'GraphQLInstrumentation', mod('graphql'), on],
  ['grpc', 'GrpcInstrumentation', mod('@grpc/grpc-js'), on],
  ['hapi', 'HapiInstrumentation', mod('@hapi/hapi'), on],
  // Metrics only; we do not run a metrics pipeline.
  ['host-metrics', 'HostMetricsInstrumentation', { kind: 'start' }, off],
  ['http', 'HttpInstrumentation', mod('http', 'https'), on],
  ['ioredis', 'IORedisInstrumentation', mod('ioredis'), on],
  ['kafkajs', 'KafkaJsInstrumentation', mod('kafkajs'), on],
  ['knex', 'KnexInstrumentation', mod('knex'), on],
  ['koa', 'KoaInstrumentation', mod('koa'), on],
  ['lru-memoizer', 'LruMemoizerInstrumentation', mod('lru-memoizer'), on],
  ['memcached', 'MemcachedInstrumentation', mod('memcached'), on],
  ['mongodb', 'MongoDBInstrumentation', mod('mongodb'), on],
  ['mongoose', 'MongooseInstrumentation', mod('mongoose'), on],
  ['mysql', 'MySQLInstrumentation', mod('mysql'), on],
  ['mysql2', 'MySQL2Instrumentation', mod('mysql2'), on],
  ['nestjs-core', 'NestInstrumentation', mod('@nestjs/core'), on],
  ['net', 'NetInstrumentation', mod('net'), off],
  ['openai', 'OpenAIInstrumentation', mod('openai'), on],
  ['oracledb', 'OracleInstrumentation', mod('oracledb'), on],
  ['pg', 'PgInstrumentation', mod('pg', 'pg-pool'), on],
  ['pino', 'PinoInstrumentation', mod('pino'), on],
  ['redis', 'RedisInstrumentation', mod('redis', '@redis/client', '@node-redis/client'), on],
  ['restify', 'RestifyInstrumentation', mod('restify'), on],
  // Off by default: express 5 runs its routing on the standalone `router` package, so with both
  // on every express layer got two spans — the express instrumentation's (`middleware - jsonParser`,
  // `request handler`) and, around it, the router instrumentation's (`middleware - patched`, named
  // after express's wrapper, and `request handler - /orders`). Express is the one to keep: it also
  // covers express 4 (its own router) and sets `http.route` on the server span, which the router
  // one does not. Apps on bare `router` (no express) enable it by name.
  ['router', 'RouterInstrumentation', mod('router'), off],
  // Metrics only (event loop, GC); we do not run a metrics pipeline.
  ['runtime-node', 'RuntimeNodeInstrumentation', { kind: 'start' }, off],
  ['socket.io', 'SocketIoInstrumentation', mod('socket.io'), on],
  ['tedious', 'TediousInstrumentation', mod('tedious'), on],
  // fetch() and undici publish on diagnostics channels instead of being patched.
  ['undici', 'UndiciInstrumentation', { kind: 'channel', channel: 'undici:request:create' }, on],
  ['winston', 'WinstonInstrumentation', mod('winston'), on],
];

export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(
  ROWS.map(([name, className, trigger, defaultOn]) => [
    name,
    Object.freeze({ name, pkg: `@opentelemetry/instrumentation-${name}`, className, trigger, defaultOn }),
  ]),
);

/** Other spellings people use, mapped to the short name. */
export const ALIASES: ReadonlyMap<string, string> = new Map([
  ['https', 'http'],
  ['fetch', 'undici'],
  ['nestjs', 'nestjs-core'],
  ['socketio', 'socket.io'],
  ['grpc-js', 'grpc'],
]);
