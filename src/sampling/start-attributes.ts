/**
 * Whether code of the user's may read a span's start attributes: a Sampler object (in
 * `shouldSample`), or a span processor of the user's (in `onStart`, which the SDK calls after it
 * sets the start attributes). The built-in samplers (always_on/off, traceidratio, parentbased_*)
 * decide from the parent and the trace id alone, and our own processors read no attributes at
 * start. When nothing reads them, the http server's fast path starts its span bare and sets the
 * attributes on the recorded span right after: the same attributes in the same order, without the
 * SDK copying and checking them twice more at start (`sanitizeAttributes` before and after
 * sampling), and nothing built for a request that is not recorded.
 */
let startAttributesRead = true;

export function startAttributesAreRead(): boolean {
  return startAttributesRead;
}

/** Set by initTracing() for the sampler and processors it registers, and back to true on shutdown. */
export function setStartAttributesRead(value: boolean): void {
  startAttributesRead = value;
}
