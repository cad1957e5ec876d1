/**
 * The WebSocket door for tests: one operation over a graphql-ws client (answer or refusal), and raw
 * sockets that report whether the gateway acknowledged them or closed them (with which code).
 */
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';

export interface WsAnswer {
  data?: any;
  /** Errors in the result (execution) or the refusal of the operation (onSubscribe). */
  errors?: { message: string; extensions?: Record<string, any> }[];
  /** Set when the socket closed instead of answering. */
  closeCode?: number;
}

export function wsUrl(gatewayUrl: string): string {
  return `${gatewayUrl.replace('http', 'ws')}/graphql`;
}

export function gatewayClient(gatewayUrl: string, key: string | null): Client {
  return createClient({
    url: wsUrl(gatewayUrl),
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    // One socket for the client's life (a lazy client would open one per operation).
    lazy: false,
    onNonLazyError: () => undefined,
  });
}

/** Runs one query or mutation over the socket and collects what comes back. */
export function wsRun(client: Client, query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>): Promise<WsAnswer> {
  return new Promise((resolve) => {
    const answer: WsAnswer = {};
    client.subscribe(
      { query, variables, ...(extensions ? { extensions } : {}) },
      {
        next: (result) => {
          answer.data = result.data ?? answer.data;
          if (result.errors) answer.errors = [...(answer.errors ?? []), ...(result.errors as any[])];
        },
        error: (error) => {
          if (Array.isArray(error)) answer.errors = error as any[];
          else if (error && typeof (error as { code?: unknown }).code === 'number') answer.closeCode = (error as { code: number }).code;
          else answer.errors = [{ message: String(error) }];
          resolve(answer);
        },
        complete: () => resolve(answer),
      },
    );
  });
}

export interface RawSocket {
  socket: WebSocket;
  /** 'ack' once the gateway acknowledged connection_init, or the close code if it closed the socket first. */
  outcome: Promise<'ack' | number>;
  /** The close code, whenever the socket closes. */
  closed: Promise<number>;
  close(): Promise<void>;
}

/** A bare graphql-transport-ws socket sending connection_init with `key`. */
export function rawSocket(gatewayUrl: string, key: string | null): RawSocket {
  const socket = new WebSocket(wsUrl(gatewayUrl), 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const outcome = new Promise<'ack' | number>((resolve) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: key ? { authorization: `Bearer ${key}` } : {} })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve('ack');
    });
    void closed.then(resolve);
  });
  socket.on('error', () => undefined); // a refused socket's error is its close code, checked by the test
  return {
    socket,
    outcome,
    closed,
    close: async () => {
      if (socket.readyState !== WebSocket.CLOSED) socket.close();
      await closed;
    },
  };
}
