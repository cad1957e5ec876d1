import { paymentInput, startHarness, type Harness } from '../support/gateway-harness';
import type { IssuedMerchant } from '../../src/services/merchants/merchant.service';

/**
 * `payments` as a Relay connection, over real HTTP: forwards and backwards, pageInfo at both ends,
 * and cursors that are opaque, the merchant's own, and good on every instance sharing the secret.
 */
const CURSOR_SECRET = 'relay-paging-test-cursor-secret-0123456789';
let h: Harness;
let merchant: IssuedMerchant;
/** The merchant's payments, newest first, as `payments` must give them. */
let newestFirst: string[];

const LIST = `query ($first: Int, $after: String, $last: Int, $before: String) {
  payments(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id ref } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

interface Page {
  refs: string[];
  cursors: string[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function page(variables: Record<string, unknown>, key = merchant.secretKey, on: Harness = h): Promise<Page> {
  const answer = await on.graphql(LIST, variables, key);
  expect(answer.errors).toBeUndefined();
  const { edges, pageInfo } = answer.data.payments;
  return { refs: edges.map((edge: any) => edge.node.ref), cursors: edges.map((edge: any) => edge.cursor), pageInfo };
}

async function refusedField(variables: Record<string, unknown>, key = merchant.secretKey, on: Harness = h) {
  const answer = await on.graphql(LIST, variables, key);
  expect(answer.data).toBeNull();
  return { code: answer.errors?.[0].extensions.code, fields: answer.errors?.[0].extensions.details?.map((d: any) => d.field), text: JSON.stringify(answer) };
}

beforeAll(async () => {
  h = await startHarness({ env: { CURSOR_SECRET } });
  merchant = await h.newMerchant();
  const created: string[] = [];
  for (let i = 0; i < 7; i++) created.push((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey })).body.ref);
  newestFirst = created.reverse();
});
afterAll(async () => h?.close());

describe('payments as a Relay connection', () => {
  it('pages forwards with first/after: every payment once, newest first, pageInfo right at both ends', async () => {
    const p1 = await page({ first: 3 });
    expect(p1.refs).toEqual(newestFirst.slice(0, 3));
    expect(p1.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: p1.cursors[0], endCursor: p1.cursors[2] });
    const p2 = await page({ first: 3, after: p1.pageInfo.endCursor });
    expect(p2.refs).toEqual(newestFirst.slice(3, 6));
    expect(p2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const p3 = await page({ first: 3, after: p2.pageInfo.endCursor });
    expect(p3.refs).toEqual(newestFirst.slice(6));
    expect(p3.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: p3.cursors[0], endCursor: p3.cursors[0] });
    expect([...p1.refs, ...p2.refs, ...p3.refs]).toEqual(newestFirst);
  });

  it('pages backwards with last/before from the oldest end: every payment once, in order within each page', async () => {
    const p1 = await page({ last: 3 });
    expect(p1.refs).toEqual(newestFirst.slice(4));
    expect(p1.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: p1.cursors[0], endCursor: p1.cursors[2] });
    const p2 = await page({ last: 3, before: p1.pageInfo.startCursor });
    expect(p2.refs).toEqual(newestFirst.slice(1, 4));
    expect(p2.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const p3 = await page({ last: 3, before: p2.pageInfo.startCursor });
    expect(p3.refs).toEqual(newestFirst.slice(0, 1));
    expect(p3.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect([...p3.refs, ...p2.refs, ...p1.refs]).toEqual(newestFirst);
  });

  it('turns back from the middle: last before a forward page’s start gives the payments before it', async () => {
    const forward = await page({ first: 2, after: (await page({ first: 3 })).pageInfo.endCursor });
    const back = await page({ last: 2, before: forward.pageInfo.startCursor });
    expect(back.refs).toEqual(newestFirst.slice(1, 3));
    // Both cursors at once bound a window, as Relay defines it.
    const window = await page({ first: 10, after: back.cursors[0], before: forward.cursors[1] });
    expect(window.refs).toEqual(newestFirst.slice(2, 4));
  });

  it('answers an empty page with null cursors and nothing on either side', async () => {
    const empty = await page({ first: 5 }, (await h.newMerchant()).secretKey);
    expect(empty).toEqual({ refs: [], cursors: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it('refuses first with last, and either outside 1..100, as BAD_USER_INPUT', async () => {
    expect(await refusedField({ first: 2, last: 2 })).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['last'] });
    for (const last of [0, 101]) expect(await refusedField({ last })).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['last'] });
  });
});

describe('payment cursors', () => {
  it('refuses a tampered cursor on after and on before as BAD_USER_INPUT', async () => {
    const { endCursor } = (await page({ first: 2 })).pageInfo;
    const tampered = `${endCursor!.slice(0, 10)}${endCursor![10] === 'A' ? 'B' : 'A'}${endCursor!.slice(11)}`;
    expect(await refusedField({ first: 2, after: tampered })).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['after'] });
    expect(await refusedField({ last: 2, before: tampered })).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['before'] });
    // The cursors of before this change: base64 of a global row id.
    expect(await refusedField({ after: Buffer.from('payment:1000000').toString('base64url') })).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it("refuses another merchant's cursor, and the answer holds nothing of that merchant", async () => {
    const ofA = await page({ first: 3 });
    const other = await h.newMerchant();
    await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: other.secretKey });
    for (const variables of [{ first: 3, after: ofA.pageInfo.endCursor }, { last: 3, before: ofA.pageInfo.startCursor }]) {
      const refused = await refusedField(variables, other.secretKey);
      expect(refused.code).toBe('BAD_USER_INPUT');
      for (const ref of newestFirst) expect(refused.text).not.toContain(ref);
    }
  });

  it('works on a second instance sharing CURSOR_SECRET, and not on one keyed otherwise', async () => {
    const p1 = await page({ first: 3 });
    const twin = await startHarness({ env: { CURSOR_SECRET } });
    const stranger = await startHarness({ env: { CURSOR_SECRET: 'another-deployment-cursor-secret-9876543210' } });
    try {
      const onTwin = await page({ first: 3, after: p1.pageInfo.endCursor }, merchant.secretKey, twin);
      expect(onTwin.refs).toEqual(newestFirst.slice(3, 6));
      expect(onTwin.cursors[0]).toBe((await page({ first: 4 })).cursors[3]); // the same payment, the same cursor
      expect(await refusedField({ first: 3, after: p1.pageInfo.endCursor }, merchant.secretKey, stranger)).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['after'] });
    } finally {
      await Promise.all([twin.close(), stranger.close()]);
    }
  });
});
