/**
 * Fan-out of payment updates to `paymentUpdated` subscribers. Published once per applied transition,
 * after its commit. The in-process implementation serves one instance; the Redis one crosses instances.
 */
import { EventEmitter } from 'node:events';
import type { PaymentView } from '../services/payments/payment-view';

export interface PaymentUpdate {
  merchantId: string;
  payment: PaymentView;
}

export interface PaymentPubSub {
  publish(update: PaymentUpdate): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (update: PaymentUpdate) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessPaymentPubSub implements PaymentPubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(update: PaymentUpdate): Promise<void> {
    this.emitter.emit('update', update);
  }

  async subscribe(listener: (update: PaymentUpdate) => void): Promise<() => Promise<void>> {
    this.emitter.on('update', listener);
    return async () => {
      this.emitter.off('update', listener);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
