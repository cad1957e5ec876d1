/**
 * What the bench needs in place before it measures: PENDING payments (written straight to the
 * gateway's tables, as createPayment leaves them: two history rows, a session id) and a real
 * `checkout.session.completed` event from the emulator to copy for each of them.
 */
import { randomBytes } from 'node:crypto';
import type mysql from 'mysql2/promise';
import Stripe from 'stripe';

export interface SeededPayment {
  id: number;
  ref: string;
  sessionId: string;
}

const ROWS_PER_INSERT = 500;

/** `count` PENDING payments of `merchantId` (57.00 USD, stored as createPayment stores it), each with its own (made-up) checkout session id. */
export async function seedPendingPayments(db: mysql.Connection, merchantId: string, count: number, tag: string): Promise<SeededPayment[]> {
  const seeded: SeededPayment[] = [];
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const batch = Array.from({ length: Math.min(ROWS_PER_INSERT, count - start) }, () => {
      const suffix = randomBytes(12).toString('hex');
      return { ref: `pay_${suffix}`, sessionId: `cs_test_bench${suffix}`, orderId: `${tag}-${suffix}` };
    });
    const now = new Date();
    const expiresAt = new Date(Math.floor(now.getTime() / 1000 + 3600) * 1000);
    await db.query(
      `insert into payment (ref, merchant_id, order_id, status, amount, currency, line_items, success_url, cancel_url,
         customer_email, metadata, checkout_url, provider_session_id, expires_at, version, created_at, updated_at) values ?`,
      [
        batch.map((p) => [
          p.ref, merchantId, p.orderId, 'PENDING', 5700, 'USD',
          JSON.stringify([{ name: 'T-shirt', unitAmount: 2500, quantity: 2 }, { name: 'Socks', unitAmount: 700, quantity: 1 }]),
          'https://shop.example/thanks', 'https://shop.example/cart', 'buyer@example.com', '{"cartId":"c-42"}',
          `https://checkout.example/c/pay/${p.sessionId}`, p.sessionId, expiresAt, 2, now, now,
        ]),
      ],
    );
    const [rows] = await db.query<mysql.RowDataPacket[]>('select id, ref from payment where ref in (?)', [batch.map((p) => p.ref)]);
    const idOf = new Map(rows.map((row) => [row.ref as string, row.id as number]));
    await db.query('insert into payment_event (payment_id, at, source, from_status, to_status, applied) values ?', [
      batch.flatMap((p) => [
        [idOf.get(p.ref), now, 'API', null, 'PROCESSING', 1],
        [idOf.get(p.ref), now, 'API', 'PROCESSING', 'PENDING', 1],
      ]),
    ]);
    seeded.push(...batch.map((p) => ({ id: idOf.get(p.ref)!, ref: p.ref, sessionId: p.sessionId })));
  }
  return seeded;
}

/** A real completed-and-paid event, as the emulator (our oracle of Stripe) emits it. */
export async function completedEventTemplate(stripe: Stripe, emulatorUrl: string): Promise<Stripe.Event> {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    // The seeded payments' own lines: the gateway believes a session only when it charges the payment's amount.
    line_items: [
      { quantity: 2, price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'T-shirt' } } },
      { quantity: 1, price_data: { currency: 'usd', unit_amount: 700, product_data: { name: 'Socks' } } },
    ],
    success_url: 'https://shop.example/thanks',
    cancel_url: 'https://shop.example/cart',
    client_reference_id: 'pay_template',
  });
  const completed = await fetch(`${emulatorUrl}/v1/test_helpers/checkout/sessions/${session.id}/complete`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_bench', 'content-type': 'application/x-www-form-urlencoded' },
    body: 'payment_behavior=paid',
  });
  if (completed.status !== 200) throw new Error(`the emulator's test helper answered ${completed.status}`);
  const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 1 });
  const event = events.data[0];
  if (!event) throw new Error('the emulator emitted no checkout.session.completed');
  return event;
}

let eventCounter = 0;

/** The template event, about this payment's session. */
export function completionEventBody(template: Stripe.Event, payment: SeededPayment): string {
  const session = template.data.object as Stripe.Checkout.Session;
  return JSON.stringify({
    ...template,
    id: `evt_bench_${process.pid}_${++eventCounter}`,
    created: Math.floor(Date.now() / 1000),
    data: { object: { ...session, id: payment.sessionId, client_reference_id: payment.ref } },
  });
}

export function signatureFor(body: string, secret: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: body, secret });
}
