/** Spans in an ExportTraceServiceRequest, by walking its protobuf framing only. */
export function countSpans(buf: Uint8Array): number;
