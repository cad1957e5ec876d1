import 'reflect-metadata';
import { getMetadataStorage } from 'type-graphql';
import {
  authorize,
  authorizePaymentField,
  followOperation,
  mayReadPaymentField,
  mayRun,
  OPERATION_SCOPES,
  PUBLISHABLE_PAYMENT_FIELDS,
  readablePayment,
  type Operation,
} from '../../src/services/merchants/access-policy';
import type { MerchantAuth } from '../../src/services/merchants/merchant.service';
import type { PaymentView } from '../../src/services/payments/payment-view';
import { PaymentStatus } from '../../src/domain/payment-status';
import { PaymentType } from '../../src/schema/payment.type';

const secret: MerchantAuth = { merchantId: 'mer_1', scope: 'SECRET' };
const publishable: MerchantAuth = { merchantId: 'mer_1', scope: 'PUBLISHABLE' };
const OPERATIONS = Object.keys(OPERATION_SCOPES) as Operation[];

const payment: PaymentView = {
  id: 'pay_1',
  ref: 'pay_1',
  orderId: 'order-1',
  status: PaymentStatus.PENDING,
  amount: 2500,
  currency: 'USD',
  lineItems: [{ name: 'T-shirt', unitAmount: 2500, quantity: 1 }],
  checkoutUrl: 'https://checkout.example/c/1',
  providerSessionId: 'cs_1',
  customerEmail: 'a@example.com',
  successUrl: 'https://shop.example/thanks',
  cancelUrl: 'https://shop.example/cart',
  metadata: { cart: '42' },
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  createdAt: new Date('2029-12-31T23:00:00Z'),
  updatedAt: new Date('2029-12-31T23:00:00Z'),
  version: 1,
  events: [],
};

describe('access policy: operations', () => {
  it('lets a secret key run every operation', () => {
    for (const operation of OPERATIONS) expect([operation, mayRun('SECRET', operation)]).toEqual([operation, true]);
  });

  it('lets a publishable key only read one payment and follow one payment', () => {
    const allowed = OPERATIONS.filter((operation) => mayRun('PUBLISHABLE', operation));
    expect(allowed.sort()).toEqual(['followPayment', 'readPayment']);
  });

  it('refuses a missing key as UNAUTHENTICATED, whatever the operation', () => {
    for (const operation of OPERATIONS) expect(() => authorize(null, operation)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('refuses a publishable key creating, expiring or listing as FORBIDDEN, saying what it may do', () => {
    for (const operation of ['createPayment', 'expirePayment', 'listPayments'] as const) {
      expect(() => authorize(publishable, operation)).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', message: "A publishable key may only read a payment's status fields by ref" }),
      );
    }
  });

  it('hands back the caller it let through', () => {
    expect(authorize(publishable, 'readPayment')).toBe(publishable);
    expect(authorize(secret, 'createPayment')).toBe(secret);
  });
});

describe('access policy: subscriptions', () => {
  it('names following one payment by its ref, and all payments without one', () => {
    expect(followOperation('pay_1')).toBe('followPayment');
    expect(followOperation(null)).toBe('followAllPayments');
  });

  it("lets a publishable key follow one payment by ref but not all of its merchant's payments", () => {
    expect(authorize(publishable, followOperation('pay_1'))).toBe(publishable);
    expect(() => authorize(publishable, followOperation(null))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'A publishable key may only subscribe to one payment: pass its ref' }),
    );
    expect(authorize(secret, followOperation(null))).toBe(secret);
  });
});

describe('access policy: Payment fields', () => {
  it('gives a publishable key exactly the status fields of API.md', () => {
    expect([...PUBLISHABLE_PAYMENT_FIELDS].sort()).toEqual(['amount', 'checkoutUrl', 'currency', 'expiresAt', 'id', 'ref', 'status']);
  });

  it('lets a secret key read every field and a publishable key only the publishable ones', () => {
    for (const field of Object.keys(payment)) {
      expect([field, mayReadPaymentField('SECRET', field)]).toEqual([field, true]);
      expect([field, mayReadPaymentField('PUBLISHABLE', field)]).toEqual([field, (PUBLISHABLE_PAYMENT_FIELDS as readonly string[]).includes(field)]);
    }
  });

  it('treats a field it has never heard of as secret', () => {
    expect(mayReadPaymentField('PUBLISHABLE', 'refundedAmount')).toBe(false);
    expect(() => authorizePaymentField(publishable, 'refundedAmount')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => authorizePaymentField(null, 'status')).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  it('shows a publishable key the publishable fields of a payment and nothing else, a secret key all of it', () => {
    expect(readablePayment('SECRET', payment)).toEqual(payment);
    expect(readablePayment('PUBLISHABLE', payment)).toEqual({
      id: 'pay_1',
      ref: 'pay_1',
      status: PaymentStatus.PENDING,
      amount: 2500,
      currency: 'USD',
      checkoutUrl: 'https://checkout.example/c/1',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it("guards in the GraphQL Payment type exactly the fields the policy keeps from a publishable key", () => {
    const storage = getMetadataStorage();
    const fields = storage.fields.filter((field) => field.target === PaymentType).map((field) => field.name);
    const guarded = storage.authorizedFields.filter((field) => field.target === PaymentType).map((field) => field.fieldName);
    expect(fields.length).toBeGreaterThan(PUBLISHABLE_PAYMENT_FIELDS.length);
    expect(guarded.sort()).toEqual(fields.filter((field) => !mayReadPaymentField('PUBLISHABLE', field)).sort());
  });
});
