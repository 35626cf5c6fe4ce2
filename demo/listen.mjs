// Loopback-only listening. "localhost" may resolve to 127.0.0.1 or ::1 depending on the OS and
// the client, so for it the same port is bound on both; otherwise a browser could reach another
// program on [::1]:<port> (a dev server on 5173, say) instead of the demo.
import { createServer } from 'node:http';

const LOOPBACK = { localhost: ['127.0.0.1', '::1'], '127.0.0.1': ['127.0.0.1'], '::1': ['::1'] };

function listenOne(server, port, address) {
  return new Promise((resolvePort, reject) => {
    const onError = (error) => reject(error);
    server.once('error', onError);
    server.listen({ port, host: address, ipv6Only: address === '::1' }, () => {
      server.off('error', onError);
      resolvePort(server.address().port);
    });
  });
}

const closeServer = (server) => new Promise((done) => {
  if (!server.listening) return done();
  server.close(() => done());
  server.closeAllConnections(); // keep-alive sockets would otherwise hold close() open
});

/**
 * Starts an HTTP server on loopback. Port 0 picks a free port (the same one on both addresses).
 * @param {'localhost'|'127.0.0.1'|'::1'} host
 * @returns {Promise<{ port: number, setHandler(h: Function): void, close(): Promise<void> }>}
 */
export async function listenLoopback(host, port) {
  const addresses = LOOPBACK[host];
  if (!addresses) throw new Error(`host must be a loopback name (localhost, 127.0.0.1 or ::1), got "${host}"`);

  // Requests that arrive before the real handler is set (it needs the final ports) get a 503.
  let handler = (req, res) => { res.writeHead(503); res.end(); };
  const dispatch = (req, res) => handler(req, res);

  for (let attempt = 0; ; attempt++) {
    const servers = [];
    try {
      let chosen = port;
      for (const [i, address] of addresses.entries()) {
        const server = createServer(dispatch);
        servers.push(server);
        try {
          chosen = await listenOne(server, chosen, address);
        } catch (error) {
          // IPv6 switched off on this machine: IPv4 alone is then the only loopback.
          if (i > 0 && ['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code)) { servers.pop(); continue; }
          throw error;
        }
      }
      return {
        port: chosen,
        setHandler(h) { handler = h; },
        close: () => Promise.all(servers.map(closeServer)).then(() => {}),
      };
    } catch (error) {
      await Promise.all(servers.map(closeServer));
      // A free IPv4 port can be taken on ::1; with port 0 simply try another one.
      if (port === 0 && error.code === 'EADDRINUSE' && attempt < 5) continue;
      if (error.code === 'EADDRINUSE') {
        throw new Error(`port ${port} is already in use on ${host}; choose another one (see --help)`, { cause: error });
      }
      throw error;
    }
  }
}
