/**
 * Whether the registered sampler may read a span's start attributes. The built-in samplers
 * (always_on/off, traceidratio, parentbased_*) decide from the parent and the trace id alone, so
 * the http server's fast path does not build the attributes it would otherwise show a sampler for
 * a request it expects to be unsampled. A Sampler object from the user may read anything.
 */
let readsAttributes = true;

export function samplerReadsAttributes(): boolean {
  return readsAttributes;
}

/** Set by initTracing() for the sampler it registers, and back to true on shutdown. */
export function setSamplerReadsAttributes(value: boolean): void {
  readsAttributes = value;
}
