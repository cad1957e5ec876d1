/**
 * Who hears which payment update: the rule behind `paymentUpdated`. A merchant hears only its own
 * payments; what a key may follow (a publishable key: only the one payment it names) is the access
 * policy's (services/merchants/access-policy.ts). The stream is registered before this
 * returns, so nothing published afterwards is missed.
 *
 * Streams are indexed by the payment they follow (or by merchant, for all of a merchant's payments),
 * so an update costs the streams that want it, not one check per open subscription: ten thousand
 * customers each waiting on their own payment are ten thousand entries, and one update finds its one.
 */
import { authorize, followOperation } from '../merchants/access-policy';
import type { PaymentPubSub, PaymentUpdate } from '../../pubsub/payment-pubsub';
import type { MerchantAuth } from '../merchants/merchant.service';
import { validatePaymentRef } from '../validation';
import type { PaymentView } from './payment-view';
import type { GatewayMetrics } from '../../telemetry/metrics';

/** Updates a slow subscriber may have queued before it is cut off, so one stalled socket cannot eat memory. */
const MAX_QUEUED_UPDATES = 1000;

export class PaymentUpdatesService {
  /** Streams of one payment, by `merchantId ref`: the merchant is part of the key, so no stream hears another merchant's payment. */
  private readonly byPayment = new Map<string, Set<UpdateStream>>();
  /** Streams of all of a merchant's payments, by merchant id. */
  private readonly byMerchant = new Map<string, Set<UpdateStream>>();
  /** The one pubsub listener of this instance, joined at the first subscription. */
  private listening: Promise<unknown> | null = null;

  private readonly pubsub: PaymentPubSub;
  private readonly metrics: GatewayMetrics;

  constructor(deps: { pubsub: PaymentPubSub; metrics: GatewayMetrics }) {
    this.pubsub = deps.pubsub;
    this.metrics = deps.metrics;
  }

  async subscribe(caller: MerchantAuth, rawRef: unknown): Promise<AsyncIterableIterator<PaymentView>> {
    const ref = rawRef === undefined || rawRef === null ? null : validatePaymentRef(rawRef);
    authorize(caller, followOperation(ref));
    this.listening ??= this.pubsub.subscribe((update) => this.deliver(update)).catch((error: unknown) => {
      this.listening = null; // the next subscription tries again
      throw error;
    });
    await this.listening;

    const index = ref === null ? this.byMerchant : this.byPayment;
    const key = ref === null ? caller.merchantId : paymentKey(caller.merchantId, ref);
    let streams = index.get(key);
    if (!streams) index.set(key, (streams = new Set()));
    const stream = new UpdateStream(() => {
      streams.delete(stream);
      if (streams.size === 0) index.delete(key);
      this.metrics.subscriptionClosed();
    });
    streams.add(stream);
    this.metrics.subscriptionOpened();
    return stream;
  }

  private deliver(update: PaymentUpdate): void {
    for (const stream of this.byPayment.get(paymentKey(update.merchantId, update.payment.ref)) ?? []) stream.push(update.payment);
    for (const stream of this.byMerchant.get(update.merchantId) ?? []) stream.push(update.payment);
  }
}

const paymentKey = (merchantId: string, ref: string) => `${merchantId} ${ref}`;

/** One subscriber's updates, in order: handed over at once when it waits, queued (boundedly) when it does not. */
class UpdateStream implements AsyncIterableIterator<PaymentView> {
  private readonly queue: PaymentView[] = [];
  private waiting: ((result: IteratorResult<PaymentView>) => void) | null = null;
  private done = false;

  constructor(private readonly onFinish: () => void) {}

  push(payment: PaymentView): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: payment, done: false });
    } else if (this.queue.length < MAX_QUEUED_UPDATES) {
      this.queue.push(payment);
    } else {
      void this.return();
    }
  }

  next(): Promise<IteratorResult<PaymentView>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<PaymentView>> {
    if (!this.done) {
      this.done = true;
      this.onFinish();
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<PaymentView> {
    return this;
  }
}
