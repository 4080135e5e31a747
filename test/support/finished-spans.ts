import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** One ended span per name, from a provider of their own with `service.name` = `serviceName`. */
export function finishedSpans(serviceName: string, ...names: string[]): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  for (const name of names) provider.getTracer('t').startSpan(name).end();
  return memory.getFinishedSpans() as ReadableSpan[];
}
