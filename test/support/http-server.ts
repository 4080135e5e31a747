// Bare node:http servers on loopback for the OTLP/HTTP transport's tests: what a collector, a
// proxy or a broken server answers, written by hand in each test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BodyHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** Servers started by {@link httpServer}, closed (connections and all) by {@link closeHttpServers}. */
const started: Server[] = [];

/**
 * A server on 127.0.0.1 that reads each request's body, then calls `handler`. Resolves to the
 * server and its `/v1/traces` URL.
 */
export async function httpServer(handler: BodyHandler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  started.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces` };
}

export async function closeHttpServers(): Promise<void> {
  for (const s of started.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
}

/** Open connections of `server`, as it counts them. */
export function openConnections(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((_e, n) => resolve(n)));
}
