import { redactUrl } from '../redaction/url.js';
import {
  answerBroken,
  classifyExportError,
  describeExportError,
  endpointHint,
  networkErrorCode,
  PartialSuccessError,
} from './export-errors.js';

/** Where the collector is, as loss lines name it: the endpoint (scrubbed) and a note for unreachable ones. */
export interface CollectorNaming {
  /** Already scrubbed (redactUrl). */
  readonly endpoint: string | undefined;
  /** `; ` and the note said after unreachable or not answering (a proxy variable not used), or ''. */
  readonly unreachableNote: string;
}

/** The naming for an endpoint as configured (scrubbed here) and a note, if any. */
export function collectorNaming(endpoint: string | undefined, unreachableNote?: string): CollectorNaming {
  return {
    endpoint: endpoint === undefined ? undefined : redactUrl(endpoint),
    unreachableNote: unreachableNote === undefined ? '' : `; ${unreachableNote}`,
  };
}

/**
 * What a failed export call says of the collector, as a phrase: unreachable with its error code,
 * not answering, too large, rejecting, with what it says of the endpoint's configuration. The drop
 * reporter's lines and the exit sender's (a separate thread) name a failure the same way.
 */
export function collectorCause(error: unknown, naming: CollectorNaming): string {
  const at = naming.endpoint ? ` at ${naming.endpoint}` : '';
  return withHint(namedCause(error, at, naming.unreachableNote), error);
}

function namedCause(error: unknown, at: string, note: string): string {
  switch (classifyExportError(error)) {
    case 'unreachable': {
      const code = networkErrorCode(error);
      return `collector unreachable${at}${code ? `: ${code}` : ''} (${describeExportError(error)})${note}`;
    }
    case 'timeout':
      return `collector${at} not answering (${describeExportError(error)})${note}`;
    case 'too-large':
      return `export request too large for the collector${at} (${describeExportError(error)})`;
    case 'rejected':
      if (answerBroken(error))
        return `collector${at} sent an answer that did not arrive whole (${describeExportError(error)})`;
      return error instanceof PartialSuccessError
        ? `collector${at} rejecting spans: ${error.errorMessage || 'no message'}`
        : `collector${at} rejecting exports (${describeExportError(error)})`;
    default:
      return `collector${at}: unknown error`;
  }
}

/** `cause`, then what the error says of the endpoint's configuration, if anything (endpointHint). */
export function withHint(cause: string, error: unknown): string {
  // Its cause's "Protocol error" says nothing of the endpoint here: the connection spoke HTTP/2.
  const hint = answerBroken(error) ? undefined : endpointHint(error);
  return hint === undefined ? cause : `${cause}; ${hint}`;
}
