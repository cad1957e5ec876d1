/**
 * GraphQL documents for the fuzz suite (graphql.fuzz.test.ts over HTTP, websocket.fuzz.test.ts over
 * graphql-ws): built from the schema's vocabulary and then some, documents that should run, broken
 * ones, and fragment-based ones (inline and named, nested) that must be judged as they execute.
 */
import fc from 'fast-check';
import { hostileString, jsonText, numberText, objectText } from './fuzz-support';

// ---------------------------------------------------------------------------------------------
// Documents

const PAYMENT_FIELDS = ['ref', 'orderId', 'status', 'amount', 'currency', 'checkoutUrl', 'providerSessionId', 'customerEmail', 'successUrl', 'cancelUrl', 'metadata', 'expiresAt', 'createdAt', 'updatedAt', 'version'];
const NAMES = [
  ...PAYMENT_FIELDS,
  'payment',
  'payments',
  'createPayment',
  'expirePayment',
  'paymentUpdated',
  'lineItems',
  'events',
  'edges',
  'node',
  'cursor',
  'pageInfo',
  'hasNextPage',
  'endCursor',
  'name',
  'unitAmount',
  'quantity',
  'from',
  'to',
  'source',
  'applied',
  'note',
  '__typename',
  '__schema',
  '__type',
  'types',
  'fields',
  'unknownField',
  'password',
  'merchant',
  'secretKey',
];
const ARG_NAMES = ['ref', 'first', 'after', 'status', 'orderId', 'input', 'name', 'if', 'last', 'before', 'x'];
const TYPE_NAMES = ['ID', 'ID!', 'String', 'String!', 'Int', 'Int!', 'Float', 'Boolean', '[ID!]!', 'PaymentStatus', 'CreatePaymentInput', 'CreatePaymentInput!', 'LineItemInput', 'JSONObject', 'Payment', 'Nope', '[[Int]]'];

export const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,20}$/) });

/** A GraphQL string literal: JSON's escapes are GraphQL's (lone surrogates as \u escapes are refused by the lexer). */
const stringLiteral = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: hostileString().map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.constantFrom('"pay_000000000000000000000000"', '"PENDING"', '""', '"""block\nstring"""', '"\\u{1F600}"', '"unterminated', '"\\x"') },
);

/** A valid createPayment input as a GraphQL literal, sometimes one field off. */
export const inputLiteral = fc.tuple(fc.constantFrom('', 'currency: "XYZ"', 'quantity: 0', 'extra: 1', 'metadata: {a: "b"}', 'metadata: {__proto__: "x"}', 'expiresInMinutes: 29'), fc.nat(1_000_000)).map(([twist, n]) => {
  const orderId = `gql-literal-${Date.now()}-${n}`;
  const quantity = twist === 'quantity: 0' ? 0 : 1;
  const extra = twist === '' || twist === 'quantity: 0' ? '' : `, ${twist}`;
  const currency = twist === 'currency: "XYZ"' ? '' : ', currency: "usd"';
  return `{orderId: ${JSON.stringify(orderId)}${currency}, lineItems: [{name: "Mug", unitAmount: 1200, quantity: ${quantity}}], successUrl: "https://shop.example/ok", cancelUrl: "https://shop.example/no"${extra}}`;
});

const { value: argValue } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    stringLiteral,
    numberText,
    fc.constantFrom('true', 'false', 'null', 'PENDING', 'SUCCEEDED', 'NOPE', '$ref', '$input', '$first', '$undeclared', '1.5', '-0', '0x10', '1e400'),
    inputLiteral,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.tuple(name, tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  ),
}));

const args = fc.array(fc.tuple(fc.constantFrom(...ARG_NAMES), argValue), { maxLength: 3 }).map((list) => (list.length ? `(${list.map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''));
const directives = fc.oneof(
  { weight: 5, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(' @skip(if: true)', ' @include(if: false)', ' @include(if: $flag)', ' @deprecated', ' @nope', ' @skip', ' @skip(if: "yes")') },
);
const FRAGMENT_NAMES = ['F', 'G', 'H'];

const { selectionSet } = fc.letrec<{ selectionSet: string; selection: string }>((tie) => ({
  selectionSet: fc.array(tie('selection'), { minLength: 1, maxLength: 5 }).map((items) => `{ ${items.join(' ')} }`),
  selection: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.tuple(fc.option(name, { freq: 4 }), name, args, directives).map(([alias, field, a, d]) => `${alias ? `${alias}: ` : ''}${field}${a}${d}`),
    fc
      .tuple(fc.option(name, { freq: 4 }), name, args, directives, tie('selectionSet'))
      .map(([alias, field, a, d, set]) => `${alias ? `${alias}: ` : ''}${field}${a}${d} ${set}`),
    fc.tuple(fc.constantFrom('Payment', 'Query', 'PaymentConnection', 'Nope', ''), tie('selectionSet')).map(([type, set]) => `... ${type ? `on ${type} ` : ''}${set}`),
    fc.constantFrom(...FRAGMENT_NAMES).map((fragment) => `...${fragment}`),
  ),
}));

const variableDefinitions = fc
  .array(fc.tuple(fc.constantFrom('ref', 'input', 'first', 'flag', 'x', 'ref'), fc.constantFrom(...TYPE_NAMES), fc.option(argValue, { freq: 4 })), { maxLength: 3 })
  .map((defs) => (defs.length ? `(${defs.map(([n, t, d]) => `$${n}: ${t}${d ? ` = ${d}` : ''}`).join(', ')})` : ''));

const operation = fc
  .tuple(fc.constantFrom('query', 'mutation', 'subscription', '', 'query', 'mutation'), fc.option(name, { freq: 2 }), variableDefinitions, selectionSet)
  .map(([kind, opName, vars, set]) => (kind === '' ? set : `${kind}${opName ? ` ${opName}` : ''}${vars} ${set}`));

const fragmentDefinition = fc
  .tuple(fc.constantFrom(...FRAGMENT_NAMES), fc.constantFrom('Payment', 'PaymentConnection', 'Query', 'Mutation', 'Nope', 'String'), selectionSet)
  .map(([fragment, type, set]) => `fragment ${fragment} on ${type} ${set}`);

/** Documents that parse (mostly) and exercise validation and execution. */
const document = fc
  .tuple(fc.array(operation, { minLength: 1, maxLength: 2 }), fc.array(fragmentDefinition, { maxLength: 2 }))
  .map(([ops, fragments]) => [...ops, ...fragments].join('\n'));

/** A few documents that should run, so execution is reached: payment/payments/mutations with good arguments. */
export const runnableDocument = fc.oneof(
  fc.constantFrom(
    '{ payments { edges { cursor node { ref status } } pageInfo { hasNextPage endCursor } } }',
    '{ payments(first: 100, status: PENDING) { edges { node { ref events { from to } lineItems { name } } } } }',
    '{ payments(first: 0) { edges { node { ref } } } }',
    '{ payments(first: 101) { edges { node { ref } } } }',
    '{ payments(after: "not-a-cursor") { edges { node { ref } } } }',
    '{ payments(after: "MTAw") { edges { node { ref } } } }',
    '{ payments(orderId: "") { edges { node { ref } } } }',
    '{ payment(ref: "pay_000000000000000000000000") { ref } }',
    '{ payment(ref: "nope") { ref } }',
    '{ a: payment(ref: "pay_000000000000000000000000") { ref } b: payments { pageInfo { hasNextPage } } __typename }',
    'mutation { expirePayment(ref: "pay_000000000000000000000000") { ref } }',
    'mutation { expirePayment(ref: "") { ref } }',
    'query { __schema { queryType { name } } }',
    '{ __type(name: "Payment") { fields { name } } }',
    'subscription { paymentUpdated { ref } }',
  ),
  inputLiteral.map((input) => `mutation { createPayment(input: ${input}) { ref status amount } }`),
  fc.tuple(inputLiteral, inputLiteral).map(([a, b]) => `mutation { a: createPayment(input: ${a}) { ref } b: createPayment(input: ${b}) { ref } }`),
  fc.tuple(stringLiteral, fc.constantFrom('payment', 'expirePayment')).map(([ref, field]) => `${field === 'payment' ? 'query' : 'mutation'} { ${field}(ref: ${ref}) { ref status } }`),
  fc.tuple(stringLiteral, numberText).map(([after, first]) => `{ payments(first: ${first}, after: ${after}) { edges { node { ref } } } }`),
);

/** Broken documents: truncated, spliced, random, nested far past any limit. */
const brokenDocument = fc.oneof(
  fc.tuple(document, fc.nat()).map(([doc, cut]) => doc.slice(0, cut % (doc.length + 1))),
  fc.tuple(document, fc.nat(), fc.constantFrom('{', '}', '(', ')', '"', '$', '@', '...', '#', '\u0000', '\ud800', ':', '!', '[', '|')).map(([doc, at, junk]) => {
    const i = at % (doc.length + 1);
    return doc.slice(0, i) + junk + doc.slice(i);
  }),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom(50, 500, 5_000).map((depth) => `{ ${'payments { edges { node { '.repeat(depth)}ref${' } } }'.repeat(depth)} }`),
  fc.constantFrom(30, 1_000, 10_000).map((depth) => `${'{'.repeat(depth)}${'}'.repeat(depth)}`),
  fc.constantFrom(21, 200, 3_000).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`),
  fc.constantFrom(100, 2_000).map((n) => `{ payment(ref: [${'['.repeat(n)}1${']'.repeat(n)}]) { ref } }`),
  fc.constantFrom('fragment F on Payment { ...G } fragment G on Payment { ...F } { payment(ref: "pay_000000000000000000000000") { ...F } }', 'query A { __typename } query A { __typename }', 'query { ...F }', '{ payment }', '{ payments }', 'query ($a: Int) { __typename }'),
  fc.constantFrom(60_000, 300_000).map((n) => `{ payment(ref: "${'x'.repeat(n)}") { ref } }`),
  fc.constantFrom(60_000, 300_000).map((n) => `# ${'c'.repeat(n)}\n{ __typename }`),
);

/**
 * Wraps a selection in 0–3 fragment layers on `type`, inline or named (nested named ones spread each
 * other): the rules and limits must judge it as if it were written inline.
 */
function wrapped(selection: string, type: string, layers: ('inline' | 'named' | 'untyped')[], prefix: string): { body: string; fragments: string[] } {
  let body = selection;
  const fragments: string[] = [];
  layers.forEach((layer, i) => {
    if (layer === 'inline') body = `... on ${type} { ${body} }`;
    else if (layer === 'untyped') body = `... { ${body} }`;
    else {
      const fragmentName = `${prefix}${i}`;
      fragments.push(`fragment ${fragmentName} on ${type} { ${body} }`);
      body = `...${fragmentName}`;
    }
  });
  return { body, fragments };
}

const layers = fc.array(fc.constantFrom<'inline' | 'named' | 'untyped'>('inline', 'named', 'untyped'), { maxLength: 3 });

/**
 * Documents whose fields come through fragments: pages of payments (their edges and nodes behind
 * fragments, `first` up to 100, one to four pages: the cost limit must price them as inline), and
 * one to three createPayment through fragments (more than one must be refused and create nothing).
 */
export const fragmentDocument = fc.oneof(
  fc
    .tuple(fc.array(fc.tuple(fc.constantFrom(1, 20, 100), layers, layers), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([pages, withEvents]) => {
      const fragments: string[] = [];
      const fields = pages.map(([first, pageLayers, nodeLayers], i) => {
        const node = wrapped(`ref status${withEvents ? ' events { from to source at note } lineItems { name unitAmount quantity }' : ''}`, 'Payment', nodeLayers, `Node${i}_`);
        const page = wrapped(`edges { cursor node { ${node.body} } } pageInfo { hasNextPage }`, 'PaymentConnection', pageLayers, `Page${i}_`);
        fragments.push(...node.fragments, ...page.fragments);
        return `p${i}: payments(first: ${first}) { ${page.body} }`;
      });
      return [`{ ${fields.join(' ')} }`, ...fragments].join('\n');
    }),
  fc.array(fc.tuple(inputLiteral, layers), { minLength: 1, maxLength: 3 }).map((creates) => {
    const fragments: string[] = [];
    const fields = creates.map(([input, createLayers], i) => {
      const field = wrapped(`c${i}: createPayment(input: ${input}) { ref status }`, 'Mutation', createLayers, `Create${i}_`);
      fragments.push(...field.fragments);
      return field.body;
    });
    return [`mutation { ${fields.join(' ')} }`, ...fragments].join('\n');
  }),
);

export const anyDocument = fc.oneof(
  { weight: 4, arbitrary: document },
  { weight: 3, arbitrary: runnableDocument },
  { weight: 2, arbitrary: fragmentDocument },
  { weight: 3, arbitrary: brokenDocument },
);

/** Variables: the right names with values of every type, or anything at all. */
export const variables = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(fc.constantFrom('ref', 'input', 'first', 'flag', 'x', '__proto__', 'constructor'), jsonText({ maxDepth: 3 })), { maxLength: 4 }).map(objectText) },
  { weight: 1, arbitrary: jsonText({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom('"{\\"ref\\":\\"x\\"}"', '[]', 'null', '{"input": null}', `{"ref": ${JSON.stringify('x'.repeat(300_000))}}`) },
);
