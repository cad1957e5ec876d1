/**
 * Fuzzing the WebSocket door against the HTTP door: the same generated documents (graphql-documents.ts,
 * fragments included) and variables go over HTTP (fetch-free node:http) and over graphql-ws (the
 * graphql-ws client) to one live gateway, each door as its own fresh merchant; both must answer with
 * the same error codes and the same shape of data, and the socket server must never close a socket
 * or crash. Subscriptions are left out of the comparison (HTTP refuses them by design); they are
 * sent, checked for accepted codes and unsubscribed.
 */
import fc from 'fast-check';
import { parse } from 'graphql';
import type { Client } from 'graphql-ws';
import { startHarness, type Harness } from '../support/gateway-harness';
import { gatewayClient } from '../support/ws-door';
import { ACCEPTED_ERROR_CODES, ACCEPTED_STATUSES, expectAlive, expectAnswer, fcParams, fuzzSeeds, mapLimit, reportFile, send, UnhandledCollector } from './fuzz-support';
import { anyDocument, fragmentDocument, name, runnableDocument, variables } from './graphql-documents';

jest.setTimeout(120_000);

let h: Harness;
const unhandled = new UnhandledCollector();
beforeAll(async () => {
  unhandled.start();
  h = await startHarness();
});
afterAll(async () => {
  unhandled.stop();
  reportFile('websocket.fuzz.test.ts');
  await h?.close();
});

interface Case {
  doc: string;
  vars: Record<string, unknown>;
  opName: string | null;
}

/** graphql-ws accepts only an object (or nothing) as variables: other shapes are HTTP-only tests. */
const asObject = (text: string): Record<string, unknown> => {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
};

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    // More documents that run than the HTTP file's mix: execution is where the doors could differ.
    doc: fc.oneof({ weight: 2, arbitrary: anyDocument }, { weight: 1, arbitrary: fragmentDocument }, { weight: 1, arbitrary: runnableDocument }),
    vars: fc.option(variables, { freq: 2 }).map((text) => (text === null ? {} : asObject(text))),
    opName: fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: name }),
  })
  // Over the socket's 256 KB message cap the socket is closed by design (HTTP answers 413 at 256 KB too).
  .filter((item) => Buffer.byteLength(JSON.stringify(item)) < 200_000);

const isSubscription = (doc: string) => {
  try {
    return parse(doc).definitions.some((definition) => definition.kind === 'OperationDefinition' && definition.operation === 'subscription');
  } catch {
    return false;
  }
};

interface WsResult {
  data?: unknown;
  codes: string[];
  closed?: string;
  streaming?: boolean;
}

/** A subscription is stopped after SUBSCRIPTION_MS; any other operation must answer within ANSWER_MS. */
const SUBSCRIPTION_MS = 300;
const ANSWER_MS = 10_000;

function overSocket(client: Client, item: Case): Promise<WsResult> {
  return new Promise((resolve) => {
    const result: WsResult = { codes: [] };
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      resolve(result);
    };
    const unsubscribe = client.subscribe(
      { query: item.doc, variables: item.vars, operationName: item.opName },
      {
        next: (message) => {
          if ('data' in message) result.data = message.data;
          for (const error of message.errors ?? []) result.codes.push(String(error.extensions?.code));
        },
        error: (error) => {
          if (Array.isArray(error)) for (const e of error) result.codes.push(String(e?.extensions?.code));
          else result.closed = `socket closed: ${(error as { code?: number; reason?: string })?.code} ${(error as { reason?: string })?.reason ?? String(error)}`;
          done();
        },
        complete: done,
      },
    );
    // A subscription streams until stopped: it is stopped after a short while.
    timer = setTimeout(() => {
      result.streaming = true;
      unsubscribe();
      done();
    }, isSubscription(item.doc) ? SUBSCRIPTION_MS : ANSWER_MS);
  });
}

/** The top-level shape of data: which fields are present and which are null. */
const dataShape = (data: unknown) =>
  data && typeof data === 'object' ? Object.entries(data).map(([key, value]) => `${key}:${value === null ? 'null' : typeof value}`).sort().join(',') : String(data ?? 'none');

const codeSet = (codes: string[]) => [...new Set(codes)].sort().join(',');

describe.each(fuzzSeeds('websocket.fuzz.test.ts'))('WebSocket fuzz, $label', (seed) => {
  it('the same documents get the same codes and the same shape of answer over graphql-ws as over HTTP; no socket is dropped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 12, size: 'max' }), async (cases) => {
        const [httpMerchant, wsMerchant] = [await h.newMerchant(), await h.newMerchant()];
        const client = gatewayClient(h.gateway.url, wsMerchant.secretKey);
        try {
          await mapLimit(cases, 4, async (item) => {
            const body = JSON.stringify({ query: item.doc, variables: item.vars, ...(item.opName !== null ? { operationName: item.opName } : {}) });
            const request = { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${httpMerchant.secretKey}` }, body };
            const [answer, overWs] = await Promise.all([send(h.gateway.url, request), overSocket(client, item)]);
            expectAnswer(request, answer, ACCEPTED_STATUSES.graphql);
            const problems: string[] = [];
            if (overWs.closed) problems.push(overWs.closed);
            for (const code of overWs.codes) if (!ACCEPTED_ERROR_CODES.has(code)) problems.push(`code ${code} over the socket`);
            if (!isSubscription(item.doc) && overWs.streaming) problems.push(`no answer over the socket within ${ANSWER_MS} ms`);
            if (!isSubscription(item.doc) && !overWs.streaming) {
              const httpCodes = codeSet(((answer.json?.errors ?? []) as any[]).map((error) => String(error?.extensions?.code)));
              if (httpCodes !== codeSet(overWs.codes)) problems.push(`codes differ: HTTP [${httpCodes}], WebSocket [${codeSet(overWs.codes)}]`);
              if (dataShape(answer.json?.data) !== dataShape(overWs.data)) problems.push(`data differs: HTTP ${dataShape(answer.json?.data)}, WebSocket ${dataShape(overWs.data)}`);
            }
            if (problems.length) throw new Error(`${problems.join('; ')}\n  document: ${item.doc.slice(0, 1500)}\n  variables: ${JSON.stringify(item.vars).slice(0, 300)} operationName: ${item.opName}\n  HTTP answer: ${answer.status} ${answer.text.slice(0, 600)}`);
          });
        } finally {
          await client.dispose();
        }
        await expectAlive(h);
      }),
      fcParams(seed, 8),
    );
  });
});

it('no unhandled promise rejection, uncaught exception or prototype pollution happened during the run', () => {
  expect(unhandled.problems()).toEqual([]);
});
