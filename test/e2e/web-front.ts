/**
 * Puts the web routers (src/web) in front of a real gateway for the browser tests, exactly as
 * server.ts mounts them: one origin whose Express app runs the given routers first and hands every
 * other request, HTTP and WebSocket upgrade alike, to the gateway unchanged. So the page's
 * `POST /graphql` and `ws://…/graphql` reach the real Apollo and graphql-ws servers, same origin.
 *
 * It lets these tests run whether or not server.ts wires the routers, and with keys the test owns
 * (a harness merchant), not the sandbox's demo merchant.
 */
import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';

export interface WebFront {
  url: string;
  close(): Promise<void>;
}

export async function startWebFront(gatewayUrl: string, mount: (app: Express, frontUrl: string) => void): Promise<WebFront> {
  const gateway = new URL(gatewayUrl);
  const app = express();
  app.disable('x-powered-by');
  const server: Server = createServer(app);
  const upgraded = new Set<Socket>();

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mount(app, url);

  // Everything the routers pass on: streamed to the gateway and back, status and headers as they are.
  app.use((req, res) => {
    const upstream = request(
      { host: gateway.hostname, port: gateway.port, method: req.method, path: req.originalUrl, headers: { ...req.headers, host: gateway.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  // WebSocket upgrades never reach Express: replay the handshake to the gateway and splice the sockets.
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const upstream = connect(Number(gateway.port), gateway.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upgraded.add(socket).add(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
      upgraded.delete(socket);
      upgraded.delete(upstream);
    };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });

  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of upgraded) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
