/**
 * The floors: the least code that does the same work as the gateway, with no framework at all:
 * node:http, mysql2 and the stripe SDK. The gateway's ratios are measured against these.
 *
 *   POST /payment   the createPayment floor: look the key up by its hash, insert the payment and its
 *                   first history row in one transaction, create the Checkout Session (same params,
 *                   same idempotency key), then the guarded update to PENDING with its history row.
 *   POST /webhook   the webhook floor: verify the signature with the SDK, find the payment by its
 *                   session, guarded update to SUCCEEDED plus the history row in one transaction.
 *
 * It writes to the gateway's own tables (same indexes, same constraints) under a merchant of its own.
 * No validation, no logging, no metrics: that is what makes it a floor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import mysql from 'mysql2/promise';
import Stripe from 'stripe';
import { answerRequests, cpuMicros } from '../lib/processes';

const databaseUrl = process.env.DATABASE_URL!;
const stripeUrl = new URL(process.env.STRIPE_API_URL!);
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET!;

const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 10, timezone: 'Z' });
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, {
  host: stripeUrl.hostname,
  port: Number(stripeUrl.port),
  protocol: 'http',
  maxNetworkRetries: 2,
});

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function createPayment(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const key = (req.headers.authorization ?? '').slice('Bearer '.length);
  const [merchants] = await pool.query<mysql.RowDataPacket[]>('select id from merchant where secret_key_hash = ?', [
    createHash('sha256').update(key).digest('hex'),
  ]);
  if (!merchants.length) return send(res, 401, { error: 'unauthenticated' });
  const merchantId = merchants[0].id as string;
  const input = JSON.parse((await readBody(req)).toString('utf8'));
  const amount = input.lineItems.reduce((sum: number, item: any) => sum + item.unitAmount * item.quantity, 0);
  const ref = `pay_${randomBytes(12).toString('hex')}`;
  const now = new Date();
  const expiresAt = new Date(Math.floor((now.getTime() + 60 * 60_000) / 1000) * 1000);

  const paymentId = await inTransaction(async (connection) => {
    const [inserted] = await connection.execute<mysql.ResultSetHeader>(
      `insert into payment (ref, merchant_id, order_id, status, amount, currency, line_items, success_url, cancel_url,
         customer_email, metadata, expires_at, version, created_at, updated_at)
       values (?, ?, ?, 'PROCESSING', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
      [ref, merchantId, input.orderId, amount, input.currency, JSON.stringify(input.lineItems), input.successUrl, input.cancelUrl,
        input.customerEmail ?? null, JSON.stringify(input.metadata ?? {}), expiresAt, now, now],
    );
    await connection.execute(
      `insert into payment_event (payment_id, at, source, from_status, to_status, applied) values (?, ?, 'API', null, 'PROCESSING', 1)`,
      [inserted.insertId, now],
    );
    return inserted.insertId;
  });

  const session = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      line_items: input.lineItems.map((item: any) => ({
        quantity: item.quantity,
        price_data: { currency: input.currency, unit_amount: item.unitAmount, product_data: { name: item.name } },
      })),
      success_url: `http://127.0.0.1/api/v1/payment/return?ref=${ref}&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://127.0.0.1/api/v1/payment/cancel?ref=${ref}`,
      client_reference_id: ref,
      expires_at: Math.floor(expiresAt.getTime() / 1000),
      metadata: input.metadata,
      payment_intent_data: { metadata: { gateway_ref: ref } },
      ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
    },
    { idempotencyKey: `${ref}:create-session` },
  );
  await guardedTransition(paymentId, 'PROCESSING', 1, 'PENDING', 'API', null, { checkout_url: session.url, provider_session_id: session.id });
  send(res, 201, { ref, orderId: input.orderId, status: 'PENDING', amount, currency: input.currency, checkoutUrl: session.url });
}

async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(await readBody(req), String(req.headers['stripe-signature']), webhookSecret);
  } catch {
    return send(res, 400, { error: 'bad signature' });
  }
  const session = event.data.object as Stripe.Checkout.Session;
  const [rows] = await pool.query<mysql.RowDataPacket[]>('select id, status, version from payment where provider_session_id = ?', [session.id]);
  if (rows.length && event.type === 'checkout.session.completed' && session.payment_status === 'paid') {
    await guardedTransition(rows[0].id, rows[0].status, rows[0].version, 'SUCCEEDED', 'WEBHOOK', event);
  }
  send(res, 200, { received: true });
}

async function guardedTransition(
  paymentId: number,
  from: string,
  version: number,
  to: string,
  source: string,
  event: Stripe.Event | null,
  set: Record<string, string | null> = {},
): Promise<void> {
  await inTransaction(async (connection) => {
    const columns = Object.keys(set).map((column) => `, ${column} = ?`).join('');
    const [updated] = await connection.execute<mysql.ResultSetHeader>(
      `update payment set status = ?, version = ?, updated_at = ?${columns} where id = ? and version = ? and status = ?`,
      [to, version + 1, new Date(), ...Object.values(set), paymentId, version, from],
    );
    if (updated.affectedRows === 1) {
      await connection.execute(
        `insert into payment_event (payment_id, at, source, from_status, to_status, applied, provider_event_id, provider_event_type)
         values (?, ?, ?, ?, ?, 1, ?, ?)`,
        [paymentId, new Date(), source, from, to, event?.id ?? null, event?.type ?? null],
      );
    }
  });
}

async function inTransaction<T>(work: (connection: mysql.PoolConnection) => Promise<T>): Promise<T> {
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    const result = await work(connection);
    await connection.commit();
    return result;
  } catch (error) {
    await connection.rollback();
    throw error;
  } finally {
    connection.release();
  }
}

const server = createServer((req, res) => {
  const handler = req.method === 'POST' && req.url === '/payment' ? createPayment : req.method === 'POST' && req.url === '/webhook' ? webhook : null;
  if (!handler) return send(res, 404, { error: 'not found' });
  handler(req, res).catch((error) => send(res, 500, { error: String(error) }));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  answerRequests({ cpu: () => cpuMicros() });
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
process.once('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
