/** A payment named by a caller's raw ref: validated, put on the trace, read through the repository. */
import type { Payment } from '../../entities/payment.entity';
import { PaymentNotFoundError } from '../../domain/errors';
import { validatePaymentRef } from '../validation';
import { setPaymentRefOnActiveSpan } from '../../telemetry/spans';
import type { PaymentRepository } from './payment.repository';

/** The merchant's payment by ref, or null: another merchant's payment does not exist for this caller. */
export async function lookUpOwned(repository: PaymentRepository, merchantId: string, rawRef: unknown): Promise<{ ref: string; payment: Payment | null }> {
  const ref = validatePaymentRef(rawRef);
  setPaymentRefOnActiveSpan(ref);
  return { ref, payment: await repository.findOwned(merchantId, ref) };
}

/** Like lookUpOwned, but PAYMENT_NOT_FOUND when absent. */
export async function findOwnedOrFail(repository: PaymentRepository, merchantId: string, rawRef: unknown): Promise<Payment> {
  const { ref, payment } = await lookUpOwned(repository, merchantId, rawRef);
  if (!payment) throw new PaymentNotFoundError(ref);
  return payment;
}

/** Any merchant's payment by ref (the customer's browser carries no key), or PAYMENT_NOT_FOUND. */
export async function findByRefOrFail(repository: PaymentRepository, rawRef: unknown): Promise<Payment> {
  const ref = validatePaymentRef(rawRef);
  setPaymentRefOnActiveSpan(ref);
  const payment = await repository.findByRef(ref);
  if (!payment) throw new PaymentNotFoundError(ref);
  return payment;
}
