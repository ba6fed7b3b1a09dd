import net from 'node:net';

/**
 * A TCP proxy the test controls, between a client and a server (here: the relay and the
 * shared RabbitMQ). cut() closes the port and every connection, like a broker gone away;
 * restore() listens on the same port again. The server itself is never touched.
 */
export async function tcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target);
        track(client);
        track(upstream);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    async cut() {
      const s = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)));
    },
    restore: listen,
    close() {
      return this.cut();
    },
  };
}
