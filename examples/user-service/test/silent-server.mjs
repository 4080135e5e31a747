import net from 'node:net';

/** A listener on 127.0.0.1 that accepts connections and never answers: a database or cache that hangs. */
export async function startSilentServer() {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
