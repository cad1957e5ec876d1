/**
 * Builds the payment flows and what they share, from named dependencies: the repository, the status
 * writer, the use cases (use-cases/), the facade the GraphQL and REST doors call, and the reconciler.
 */
import type { Orm } from '../../orm';
import type { PaymentProvider } from '../../domain/payment-provider';
import type { PaymentPubSub } from '../../pubsub/payment-pubsub';
import type { Logger } from '../../logger';
import type { GatewayMetrics } from '../../telemetry/metrics';
import { IdempotencyService, type IdempotencyOptions } from './idempotency.service';
import { PaymentCursors } from './payment-cursor';
import { PaymentRepository } from './payment.repository';
import { PaymentService } from './payment.service';
import { PaymentTransitions } from './payment-transitions';
import { Reconciler, type ReconcilerOptions } from './reconciler';
import { ApplyProviderEvent } from './use-cases/apply-provider-event';
import { ApplySessionState } from './use-cases/apply-session-state';
import { CreatePayment } from './use-cases/create-payment';
import { CustomerCancel } from './use-cases/customer-cancel';
import { CustomerReturn } from './use-cases/customer-return';
import { ExpirePayment } from './use-cases/expire-payment';
import { OpenCheckoutSession } from './use-cases/open-checkout-session';

export interface PaymentFlowsDeps {
  orm: Orm;
  provider: PaymentProvider;
  pubsub: PaymentPubSub;
  metrics: GatewayMetrics;
  logger: Logger;
  /** The gateway's public URL, where the customer's browser comes back to. */
  publicUrl: string;
  /** Seals the `payments` cursors (payment-cursor.ts). */
  cursorSecret: string;
  idempotency: IdempotencyOptions;
  reconciler: ReconcilerOptions;
}

export interface PaymentFlows {
  /** createPayment, expirePayment and the reads, for the GraphQL and REST doors. */
  payments: PaymentService;
  /** The webhook door's flow. */
  applyProviderEvent: ApplyProviderEvent;
  /** The customer's browser's flows. */
  customerReturn: CustomerReturn;
  customerCancel: CustomerCancel;
  reconciler: Reconciler;
}

export function createPaymentFlows(deps: PaymentFlowsDeps): PaymentFlows {
  const { orm, provider, metrics } = deps;
  const logger = deps.logger.child({ module: 'payment-flows' });
  const repository = new PaymentRepository(orm);
  const transitions = new PaymentTransitions(repository, deps.pubsub, metrics, deps.logger.child({ module: 'transitions' }));
  const idempotency = new IdempotencyService(orm, deps.idempotency);
  const openCheckoutSession = new OpenCheckoutSession({ provider, transitions, logger, publicUrl: deps.publicUrl });
  const applySessionState = new ApplySessionState({ transitions, metrics, logger });
  const applyProviderEvent = new ApplyProviderEvent({ repository, transitions, openCheckoutSession, metrics, logger });
  const payments = new PaymentService({
    repository,
    cursors: new PaymentCursors(deps.cursorSecret),
    createPayment: new CreatePayment({ repository, idempotency, openCheckoutSession }),
    expirePayment: new ExpirePayment({ repository, provider, applySessionState }),
  });
  const reconciler = new Reconciler({
    orm,
    repository,
    provider,
    idempotency,
    openCheckoutSession,
    applySessionState,
    applyProviderEvent,
    options: deps.reconciler,
    metrics,
    logger: deps.logger.child({ module: 'reconciler' }),
  });
  return {
    payments,
    applyProviderEvent,
    customerReturn: new CustomerReturn({ repository, provider, applySessionState, logger }),
    customerCancel: new CustomerCancel({ repository }),
    reconciler,
  };
}
