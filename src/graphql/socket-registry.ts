/**
 * The open WebSockets of this instance, by client address, by key and by merchant: the caps on how
 * many one address or one key may hold open, and the sockets to re-check when a merchant's keys
 * change. Counts are per instance (each instance caps its own sockets).
 */
import type { WebSocket } from 'ws';
import { hashKey, type MerchantAuth } from '../services/merchants/merchant.service';

/**
 * Close codes of the WebSocket door. graphql-ws uses 4004, 4005, 4400–4409, 4429 (its "too many
 * initialisation requests"), 4499, 4500 and 4504; 4029 is outside its range and mirrors HTTP 429.
 * 4403 is graphql-ws's own Forbidden, which a bad key at connection already gets.
 */
export const CLOSE_TOO_MANY = 4029;
export const CLOSE_FORBIDDEN = 4403;

export interface SocketLimits {
  maxSocketsPerKey: number;
  maxSocketsPerAddress: number;
}

export interface OpenSocket {
  socket: WebSocket;
  address: string;
  /** Set once connection_init carried a live key: the key itself (to re-check it) and whose it is. */
  key?: string;
  keyHash?: string;
  auth?: MerchantAuth;
}

export class SocketRegistry {
  private readonly byAddress = new Map<string, number>();
  private readonly byKey = new Map<string, number>();
  private readonly byMerchant = new Map<string, Set<OpenSocket>>();
  private readonly bySocket = new WeakMap<WebSocket, OpenSocket>();

  constructor(private readonly limits: SocketLimits) {}

  /** A new socket, before its connection_init: null (and closed) when its address holds too many already. */
  admit(socket: WebSocket, address: string): OpenSocket | null {
    const open = (this.byAddress.get(address) ?? 0) + 1;
    if (open > this.limits.maxSocketsPerAddress) {
      socket.close(CLOSE_TOO_MANY, 'Too many connections from this address');
      return null;
    }
    this.byAddress.set(address, open);
    const entry: OpenSocket = { socket, address };
    this.bySocket.set(socket, entry);
    socket.once('close', () => this.release(entry));
    return entry;
  }

  of(socket: WebSocket): OpenSocket | undefined {
    return this.bySocket.get(socket);
  }

  /** The socket's key authenticated: false (and the socket closed) when that key holds too many already. */
  admitKey(entry: OpenSocket, key: string, auth: MerchantAuth): boolean {
    const keyHash = hashKey(key);
    const open = (this.byKey.get(keyHash) ?? 0) + 1;
    if (open > this.limits.maxSocketsPerKey) {
      entry.socket.close(CLOSE_TOO_MANY, 'Too many connections for this key');
      return false;
    }
    this.byKey.set(keyHash, open);
    Object.assign(entry, { key, keyHash, auth });
    let sockets = this.byMerchant.get(auth.merchantId);
    if (!sockets) this.byMerchant.set(auth.merchantId, (sockets = new Set()));
    sockets.add(entry);
    return true;
  }

  socketsOf(merchantId: string): OpenSocket[] {
    return [...(this.byMerchant.get(merchantId) ?? [])];
  }

  all(): OpenSocket[] {
    return [...this.byMerchant.values()].flatMap((sockets) => [...sockets]);
  }

  private release(entry: OpenSocket): void {
    decrement(this.byAddress, entry.address);
    if (entry.keyHash && entry.auth) {
      decrement(this.byKey, entry.keyHash);
      const sockets = this.byMerchant.get(entry.auth.merchantId);
      sockets?.delete(entry);
      if (sockets?.size === 0) this.byMerchant.delete(entry.auth.merchantId);
    }
  }
}

function decrement(counts: Map<string, number>, name: string): void {
  const left = (counts.get(name) ?? 1) - 1;
  if (left > 0) counts.set(name, left);
  else counts.delete(name);
}
