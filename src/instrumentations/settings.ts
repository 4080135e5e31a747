import type { IncomingMessage, RequestOptions } from 'node:http';
import { context } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { log } from '../diag/index.js';
import { backtrackRisk } from '../util/regex-risk.js';
import type { HttpWarmUp } from './http-server-warm-up.js';

/** What the per-instrumentation config is built from. */
export interface InstrumentationContext {
  /** Incoming paths that get no server span (exact match, trailing slash ignored, or RegExp). */
  readonly ignoreIncomingPaths: readonly (string | RegExp)[];
  /** Our leaner server side for incoming HTTP requests (http-server-channels.ts); false: upstream's. @default true */
  readonly httpServerFastPath?: boolean;
  /** Incoming HTTP is traced from node:http's diagnostics channels (http-server-channels.ts), not by upstream. */
  readonly httpServerChannels?: boolean;
  /** Runs the incoming-request path once at the first `listen()`, spans discarded (http-server-warm-up.ts). */
  readonly httpWarmUp?: HttpWarmUp;
}

// The OTLP/HTTP exporter's User-Agent. Its requests run under suppressTracing() already; this
// also keeps them out if an exporter is ever called outside that context.
const OTLP_USER_AGENT = 'OTel-OTLP-Exporter-JavaScript';

/**
 * The config object each instrumentation is constructed with. Upstream defaults except where
 * noted; eager and lazy loading both use this, so their spans are the same.
 */
export function instrumentationConfig(name: string, ctx: InstrumentationContext): Record<string, unknown> {
  switch (name) {
    case 'http':
      return {
        ignoreIncomingRequestHook: createIncomingPathFilter(ctx.ignoreIncomingPaths),
        ignoreOutgoingRequestHook: isExporterRequest,
        ...(ctx.httpServerChannels === true ? { disableIncomingRequestInstrumentation: true } : {}),
      };
    case 'grpc':
      // Our OTLP/gRPC exporter loads @grpc/grpc-js lazily, which loads this instrumentation even in
      // services that never use gRPC, and then every export call went through its client wrapper
      // (a non-recording span, context.with, metadata injection), a visible share of busy CPU
      // under load (bench/profile.mjs; figures in docs/performance.md). The exporter builds its
      // client while tracing is suppressed; a client built that way is left unwrapped. Other
      // clients are unaffected.
      return { ignoreGrpcMethods: [isExporterClientMethod] };
    case 'pg':
      // Never attach bound parameter values to spans.
      return { enhancedDatabaseReporting: false };
    case 'pino':
    case 'winston':
    case 'bunyan':
      // Log correlation (trace_id/span_id/trace_flags) on; log records are not exported, we run
      // no logs pipeline, so skip the per-record bridge work.
      return { disableLogCorrelation: false, disableLogSending: true };
    default:
      return {};
  }
}

/** The longest path an `ignoreIncomingPaths` RegExp is tried on; a longer one is not ignored (traced). */
export const MAX_IGNORE_PATH_TESTED = 2048;

/**
 * `true` for requests whose path is in `paths`; the query string is ignored. A RegExp runs on every
 * request's path, which the client chooses, so one whose shape could backtrack catastrophically
 * (`(a+)+`, the same check as `redaction.patterns`) is not applied, with one line saying so, and
 * the others are tried on paths of at most {@link MAX_IGNORE_PATH_TESTED} characters.
 */
export function createIncomingPathFilter(
  paths: readonly (string | RegExp)[],
): (req: IncomingMessage) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const p of paths) {
    if (typeof p === 'string') {
      exact.add(trimSlash(p));
      continue;
    }
    const risk = backtrackRisk(p);
    if (risk !== undefined) {
      log.warnOnce(
        `ignoreIncomingPaths:${p}`,
        `ignoreIncomingPaths entry ${p} could backtrack catastrophically (${risk}), so one crafted request ` +
          'path could block the event loop; it is NOT applied. Rewrite it without that shape (the other entries are used)',
      );
      continue;
    }
    // A global/sticky RegExp keeps lastIndex between calls; use a stateless copy.
    patterns.push(p.global || p.sticky ? new RegExp(p.source, p.flags.replace(/[gy]/g, '')) : p);
  }
  return (req) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (exact.has(trimSlash(path))) return true;
    return path.length <= MAX_IGNORE_PATH_TESTED && patterns.some((re) => re.test(path));
  };
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

// The OTLP exporter's generated client names its one method `export` (lower case).
function isExporterClientMethod(name: string): boolean {
  return name === 'export' && isTracingSuppressed(context.active());
}

function isExporterRequest(options: RequestOptions): boolean {
  const headers = options.headers;
  if (headers === undefined || Array.isArray(headers)) return false;
  const ua =
    (headers as Record<string, unknown>)['User-Agent'] ?? (headers as Record<string, unknown>)['user-agent'];
  return typeof ua === 'string' && ua.includes(OTLP_USER_AGENT);
}
