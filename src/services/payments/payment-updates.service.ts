/**
 * Who hears which payment update: the rule behind `paymentUpdated`. A merchant hears only its own
 * payments; a publishable key only the one payment it names. The stream is registered before this
 * returns, so nothing published afterwards is missed.
 */
import { ForbiddenError } from '../../domain/errors';
import type { PaymentPubSub, PaymentUpdate } from '../../pubsub/payment-pubsub';
import type { MerchantAuth } from '../merchants/merchant.service';
import { validatePaymentRef } from '../validation';
import type { PaymentView } from './payment-view';
import type { GatewayMetrics } from '../../telemetry/metrics';

/** Updates a slow subscriber may have queued before it is cut off, so one stalled socket cannot eat memory. */
const MAX_QUEUED_UPDATES = 1000;

export class PaymentUpdatesService {
  constructor(
    private readonly pubsub: PaymentPubSub,
    private readonly metrics: GatewayMetrics,
  ) {}

  async subscribe(caller: MerchantAuth, rawRef: unknown): Promise<AsyncIterableIterator<PaymentView>> {
    const ref = rawRef === undefined || rawRef === null ? null : validatePaymentRef(rawRef);
    if (caller.scope !== 'SECRET' && ref === null) {
      throw new ForbiddenError('A publishable key may only subscribe to one payment: pass its ref');
    }
    const wanted = (update: PaymentUpdate) => update.merchantId === caller.merchantId && (ref === null || update.payment.ref === ref);
    this.metrics.subscriptionOpened();
    return streamOf(this.pubsub, wanted, () => this.metrics.subscriptionClosed());
  }
}

async function streamOf(
  pubsub: PaymentPubSub,
  wanted: (update: PaymentUpdate) => boolean,
  onFinish: () => void,
): Promise<AsyncIterableIterator<PaymentView>> {
  const queue: PaymentView[] = [];
  let waiting: ((result: IteratorResult<PaymentView>) => void) | null = null;
  let done = false;
  const unsubscribe = await pubsub.subscribe((update) => {
    if (done || !wanted(update)) return;
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: update.payment, done: false });
    } else if (queue.length < MAX_QUEUED_UPDATES) {
      queue.push(update.payment);
    } else {
      void finish();
    }
  });
  const finish = async (): Promise<IteratorResult<PaymentView>> => {
    if (!done) {
      done = true;
      onFinish();
      await unsubscribe();
      waiting?.({ value: undefined, done: true });
      waiting = null;
    }
    return { value: undefined, done: true };
  };
  const stream: AsyncIterableIterator<PaymentView> = {
    next: () => {
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}
