import { randomUUID } from 'node:crypto';
import { context, SpanKind } from '@opentelemetry/api';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  getBaggage,
  injectContext,
  setBaggage,
  withExtractedContext,
  withSpan,
} from '../../../src/context/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';

// The machine's broker on loopback. A unique queue per run, deleted afterwards.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `acme-otel-test-${process.pid}-${randomUUID()}`;

let connection: amqp.ChannelModel;
let channel: amqp.Channel;
beforeAll(async () => {
  connection = await amqp.connect(URL);
  channel = await connection.createChannel();
  await channel.assertQueue(queue, { durable: false, autoDelete: false });
});
afterAll(async () => {
  try {
    await channel?.deleteQueue(queue);
  } finally {
    await connection?.close();
  }
});

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

describe('carrier round trip through RabbitMQ', () => {
  it("the consumer's span is in the producer's trace, with the producer span as parent", async () => {
    const seen: { baggage?: string | undefined; orderId?: string } = {};
    const consumed = new Promise<void>((resolve, reject) => {
      // Started in the test's (span-less) context, as a real consumer loop would be.
      void channel.consume(queue, (msg) => {
        if (!msg) return;
        withExtractedContext(
          msg.properties.headers ?? {},
          `${queue} process`,
          async () => {
            seen.orderId = JSON.parse(msg.content.toString()).orderId;
            seen.baggage = getBaggage('tenant.id');
            await withSpan('order.persist', async () => undefined);
            channel.ack(msg);
          },
          { attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': queue } },
        ).then(resolve, reject);
      });
    });

    await withSpan('http POST /orders', () =>
      context.with(setBaggage({ 'tenant.id': 'acme' }), () =>
        withSpan(
          `${queue} publish`,
          () => {
            channel.sendToQueue(queue, Buffer.from(JSON.stringify({ orderId: 'o-1' })), {
              headers: injectContext({ 'x-app': 'orders' }),
            });
          },
          { kind: SpanKind.PRODUCER },
        ),
      ),
    );
    await consumed;

    const producer = tracing.expectSpan(`${queue} publish`, {
      kind: 'producer',
      parent: 'http POST /orders',
    });
    const consumer = tracing.expectSpan(`${queue} process`, {
      kind: 'consumer',
      parent: producer,
      traceId: producer.spanContext().traceId,
      attributes: { 'messaging.system': 'rabbitmq' },
      status: 'unset',
    });
    expect(consumer.parentSpanContext?.isRemote).toBe(true);
    tracing.expectSpan('order.persist', { parent: consumer });
    expect(seen).toEqual({ orderId: 'o-1', baggage: 'acme' });
  });
});
