/**
 * The request scenarios of `npm run bench`: createPayment, payment(ref) and webhook ingest, each
 * against its floor. (The subscription scenario is in subscriptions.ts; the orchestration in run.ts.)
 */
import type mysql from 'mysql2/promise';
import type Stripe from 'stripe';
import { alternate, load, paced, type LoadResult, type LoadTarget } from './lib/load';
import { seedPendingPayments, completionEventBody, signatureFor, type SeededPayment } from './lib/fixtures';
import { FLOOR, SUBJECT } from './lib/targets';
import { paymentInput } from '../test/support/payment-input';
import type { plan } from './run';

/** The selection a customer's status page polls: no history, no line items. */
export const PAYMENT_READ = 'query ($ref: ID!) { payment(ref: $ref) { ref status amount currency checkoutUrl updatedAt } }';
const CREATE_PAYMENT = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref status amount currency checkoutUrl } }';

/** What every scenario works with. */
export interface Bench {
  gatewayUrl: string;
  floorUrl: string;
  gatewayCpu: () => Promise<number>;
  floorCpu: () => Promise<number>;
  /** The secret the gateway and the floor verify webhook signatures with. */
  webhookSecret: string;
  merchant: { id: string; secretKey: string; publishableKey: string };
  floorMerchant: { id: string; secretKey: string };
  db: mysql.Connection;
  template: Stripe.Event;
  shape: ReturnType<typeof plan>;
  say: (line: string) => void;
  /** Each scenario's runs, by scenario name. */
  results: Record<string, LoadResult[]>;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const graphqlOk = (status: number, body: string) => status === 200 && !body.includes('"errors"');
/** Warms every target up, then runs them alternately at each concurrency level. */
async function compareAtEachLevel(bench: Bench, scenario: string, targets: LoadTarget[]): Promise<void> {
  const { shape, say } = bench;
  say(`${scenario}: warming up`);
  for (const target of targets) await load(target, { connections: 8, durationSeconds: shape.warmupSeconds });
  for (const connections of shape.levels) {
    say(`${scenario} at ${connections} connections`);
    (bench.results[scenario] ??= []).push(...(await alternate(targets, { connections, durationSeconds: shape.seconds }, shape.rounds)));
  }
}

/** createPayment over GraphQL and over REST against the raw floor. */
export async function createPayment(bench: Bench): Promise<void> {
  const { gatewayUrl, floorUrl, merchant, floorMerchant } = bench;
  await compareAtEachLevel(bench, 'createPayment', [
    {
      name: SUBJECT.createGraphql,
      url: `${gatewayUrl}/graphql`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => JSON.stringify({ query: CREATE_PAYMENT, variables: { input: paymentInput() } }),
      accept: graphqlOk,
    },
    {
      name: SUBJECT.createRest,
      url: `${gatewayUrl}/api/v1/payment`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => JSON.stringify(paymentInput()),
      accept: (status) => status === 201,
    },
    {
      name: FLOOR.create,
      url: `${floorUrl}/payment`,
      serverCpuMicros: bench.floorCpu,
      headers: auth(floorMerchant.secretKey),
      body: () => JSON.stringify(paymentInput()),
      accept: (status) => status === 201,
    },
  ]);
}

/** payment(ref) against Apollo's own { __typename } on the same server, with the same key. */
export async function paymentRead(bench: Bench): Promise<void> {
  const { gatewayUrl, merchant, db } = bench;
  const readable = await seedPendingPayments(db, merchant.id, 1000, 'read');
  let nextRead = 0;
  await compareAtEachLevel(bench, 'payment(ref)', [
    {
      name: SUBJECT.read,
      url: `${gatewayUrl}/graphql`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => JSON.stringify({ query: PAYMENT_READ, variables: { ref: readable[nextRead++ % readable.length].ref } }),
      accept: (status, body) => graphqlOk(status, body) && body.includes('"status":"PENDING"'),
    },
    {
      name: FLOOR.read,
      url: `${gatewayUrl}/graphql`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => '{"query":"{ __typename }"}',
      accept: graphqlOk,
    },
  ]);
}

/**
 * Webhook ingest: signed checkout.session.completed → SUCCEEDED, against the raw floor, then the
 * gateway alone paced at 200 events/s. Returns the paced run.
 */
export async function webhookIngest(bench: Bench): Promise<LoadResult> {
  const { gatewayUrl, floorUrl, merchant, floorMerchant, db, template, shape, say } = bench;
  // Each run gets fresh PENDING payments (an event applies once); each body is signed as it is sent.
  let queue: SeededPayment[] = [];
  const nextEventBody = () => {
    const payment = queue.pop();
    if (!payment) throw new Error('webhook bench ran out of prepared payments');
    return completionEventBody(template, payment);
  };
  const signed = (body: string) => ({ 'stripe-signature': signatureFor(body, bench.webhookSecret) });
  const gatewayWebhook: LoadTarget = {
    name: SUBJECT.webhook,
    url: `${gatewayUrl}/api/v1/webhooks/stripe`,
    serverCpuMicros: bench.gatewayCpu,
    body: nextEventBody,
    headersFor: signed,
    accept: (status, body) => status === 200 && body.includes('"handling":"applied"'),
  };
  const floorWebhook: LoadTarget = {
    name: FLOOR.webhook,
    url: `${floorUrl}/webhook`,
    serverCpuMicros: bench.floorCpu,
    body: nextEventBody,
    headersFor: signed,
    accept: (status) => status === 200,
  };
  const eventsSent = new Map<LoadTarget, number>([[gatewayWebhook, 0], [floorWebhook, 0]]);
  const prepareEvents = (events: number) => async (target: LoadTarget) => {
    queue = await seedPendingPayments(db, target === gatewayWebhook ? merchant.id : floorMerchant.id, events, 'hook');
    eventsSent.set(target, eventsSent.get(target)! + events);
  };
  say('webhook ingest: warming up');
  const warmupEvents = Math.min(500, shape.webhookEvents);
  await alternate([gatewayWebhook, floorWebhook], { connections: 8, amount: warmupEvents }, 1, prepareEvents(warmupEvents));
  for (const connections of shape.levels) {
    say(`webhook ingest at ${connections} connections`);
    const runs = await alternate([gatewayWebhook, floorWebhook], { connections, amount: shape.webhookEvents }, shape.rounds, prepareEvents(shape.webhookEvents));
    (bench.results['webhook ingest'] ??= []).push(...runs);
  }
  say('webhook ingest paced at 200 events/s');
  const pacedEvents = 200 * shape.pacedSeconds;
  await prepareEvents(pacedEvents)(gatewayWebhook);
  const atPace = await paced(gatewayWebhook, { connections: 32, amount: pacedEvents, ratePerSecond: 200 });
  // Every event sent must really have made its payment SUCCEEDED, on both sides.
  const webhookCheck = {
    gateway: { sent: eventsSent.get(gatewayWebhook)!, succeeded: await countSucceeded(db, merchant.id) },
    floor: { sent: eventsSent.get(floorWebhook)!, succeeded: await countSucceeded(db, floorMerchant.id) },
  };
  if (webhookCheck.gateway.sent !== webhookCheck.gateway.succeeded || webhookCheck.floor.sent !== webhookCheck.floor.succeeded) {
    throw new Error(`webhook events and SUCCEEDED payments differ: ${JSON.stringify(webhookCheck)}`);
  }

  return atPace;
}

async function countSucceeded(db: mysql.Connection, merchantId: string): Promise<number> {
  const [rows] = await db.query<mysql.RowDataPacket[]>("select count(*) as n from payment where merchant_id = ? and status = 'SUCCEEDED'", [merchantId]);
  return Number(rows[0].n);
}

