/**
 * The OpenAPI document's CreatePaymentInput schema and the Validation Service agree: on inputs at and
 * just past every rule, the schema accepts what the validator accepts and refuses what it refuses,
 * except for the few rules no JSON Schema states (marked "validator only": the schema lets them
 * through and its description names them). It is never stricter than the code.
 */
import { buildOpenApiDocument } from '../../src/rest/openapi';
import { validateCreatePaymentInput } from '../../src/services/validation';
import { LIMITS } from '../../src/domain/limits';
import { MAX_AMOUNT } from '../../src/domain/money';
import { ajvFor, compileAt } from '../support/openapi-check';

const validateSchema = compileAt(ajvFor(buildOpenApiDocument()), '#/components/schemas/CreatePaymentInput');

function base(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 'order-42',
    currency: 'USD',
    lineItems: [{ name: 'T-shirt', unitAmount: 1500, quantity: 2 }],
    successUrl: 'https://shop.example/done',
    cancelUrl: 'https://shop.example/cart',
    customerEmail: 'buyer@example.com',
    expiresInMinutes: 60,
    metadata: { cartId: 'c-42' },
    ...overrides,
  };
}
const line = (overrides: Record<string, unknown> = {}) => ({ name: 'Mug', unitAmount: 1000, quantity: 1, ...overrides });
const without = (field: string) => {
  const input = base();
  delete input[field];
  return input;
};
const keys = (n: number, length = 8) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(length - 1, '0')}`, 'v']));

/** An address of exactly `length` characters: a@ and three 63-character labels, one more label, .com. */
const longEmail = (length: number) => `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(length - 198)}.com`;

type Expected = 'valid' | 'invalid' | 'validator only';
const cases: [string, unknown, Expected][] = [
  ['a complete input', base(), 'valid'],
  ['the smallest input', { orderId: 'o', currency: 'eur', lineItems: [line()], successUrl: 'http://a.example', cancelUrl: 'http://a.example' }, 'valid'],
  ['not an object', [base()], 'invalid'],
  ['an unknown field', base({ lineitems: [] }), 'invalid'],
  ...(['orderId', 'currency', 'lineItems', 'successUrl', 'cancelUrl'] as const).flatMap((field): [string, unknown, Expected][] => [
    [`${field} missing`, without(field), 'invalid'],
    [`${field} null`, base({ [field]: null }), 'invalid'],
  ]),
  ...(['customerEmail', 'expiresInMinutes', 'metadata'] as const).flatMap((field): [string, unknown, Expected][] => [
    [`${field} missing`, without(field), 'valid'],
    [`${field} null`, base({ [field]: null }), 'valid'],
  ]),
  // Text
  ['orderId at its limit', base({ orderId: 'x'.repeat(LIMITS.orderIdMaxChars) }), 'valid'],
  ['orderId at its limit in emoji (code points count)', base({ orderId: '🛒'.repeat(LIMITS.orderIdMaxChars) }), 'valid'],
  ['orderId past its limit', base({ orderId: 'x'.repeat(LIMITS.orderIdMaxChars + 1) }), 'invalid'],
  ['orderId empty', base({ orderId: '' }), 'invalid'],
  ['orderId blank', base({ orderId: ' \u00a0 ' }), 'invalid'],
  ['orderId with a newline', base({ orderId: 'a\nb' }), 'invalid'],
  ['orderId with a C1 control', base({ orderId: 'a\u0085b' }), 'invalid'],
  ['orderId a number', base({ orderId: 42 }), 'invalid'],
  ['orderId with a lone surrogate', base({ orderId: 'a\ud800b' }), 'validator only'],
  // Currency
  ['currency lower case', base({ currency: 'usd' }), 'valid'],
  ['currency mixed case', base({ currency: 'uSd' }), 'valid'],
  ['currency JPY', base({ currency: 'JPY', lineItems: [line({ unitAmount: 50 })] }), 'valid'],
  ['currency unknown', base({ currency: 'XXX' }), 'invalid'],
  ['currency too short', base({ currency: 'US' }), 'invalid'],
  ['currency a number', base({ currency: 840 }), 'invalid'],
  // Line items
  ['no line items', base({ lineItems: [] }), 'invalid'],
  ['line items at the limit', base({ lineItems: Array.from({ length: LIMITS.lineItemsMax }, () => line({ unitAmount: 100 })) }), 'valid'],
  ['line items past the limit', base({ lineItems: Array.from({ length: LIMITS.lineItemsMax + 1 }, () => line({ unitAmount: 100 })) }), 'invalid'],
  ['line items not an array', base({ lineItems: line() }), 'invalid'],
  ['a line that is not an object', base({ lineItems: ['Mug'] }), 'invalid'],
  ['a line with an unknown field', base({ lineItems: [line({ price: 1 })] }), 'invalid'],
  ['a line without a name', base({ lineItems: [{ unitAmount: 1000, quantity: 1 }] }), 'invalid'],
  ['a name at its limit', base({ lineItems: [line({ name: 'n'.repeat(LIMITS.lineItemNameMaxChars) })] }), 'valid'],
  ['a name past its limit', base({ lineItems: [line({ name: 'n'.repeat(LIMITS.lineItemNameMaxChars + 1) })] }), 'invalid'],
  ['unitAmount 0', base({ lineItems: [line({ unitAmount: 0 })] }), 'invalid'],
  ['unitAmount negative', base({ lineItems: [line({ unitAmount: -100 })] }), 'invalid'],
  ['unitAmount a fraction', base({ lineItems: [line({ unitAmount: 10.5 })] }), 'invalid'],
  ['unitAmount a string', base({ lineItems: [line({ unitAmount: '1000' })] }), 'invalid'],
  ['unitAmount at MAX_AMOUNT', base({ lineItems: [line({ unitAmount: MAX_AMOUNT })] }), 'valid'],
  ['unitAmount past MAX_AMOUNT', base({ lineItems: [line({ unitAmount: MAX_AMOUNT + 1 })] }), 'invalid'],
  ['quantity at its limits', base({ lineItems: [line({ quantity: LIMITS.quantityMin }), line({ quantity: LIMITS.quantityMax, unitAmount: 100 })] }), 'valid'],
  ['quantity 0', base({ lineItems: [line({ quantity: LIMITS.quantityMin - 1 })] }), 'invalid'],
  ['quantity past its limit', base({ lineItems: [line({ quantity: LIMITS.quantityMax + 1 })] }), 'invalid'],
  ['a total past MAX_AMOUNT', base({ lineItems: [line({ unitAmount: MAX_AMOUNT, quantity: 2 })] }), 'validator only'],
  ['a total below the minimum charge', base({ lineItems: [line({ unitAmount: 49 })] }), 'validator only'],
  // Per-currency increments
  ['ISK in whole units', base({ currency: 'isk', lineItems: [line({ unitAmount: 50000 })] }), 'valid'],
  ['ISK with a fraction', base({ currency: 'isk', lineItems: [line({ unitAmount: 50050 })] }), 'invalid'],
  ['KWD ending in 0', base({ currency: 'KWD', lineItems: [line({ unitAmount: 1010 })] }), 'valid'],
  ['KWD not ending in 0', base({ currency: 'Kwd', lineItems: [line({ unitAmount: 1015 })] }), 'invalid'],
  // URLs
  ['URLs in upper case', base({ successUrl: 'HTTPS://SHOP.EXAMPLE/DONE' }), 'valid'],
  ['a URL with a query and fragment', base({ successUrl: 'https://shop.example/done?x=1#top' }), 'valid'],
  ['a non-ASCII URL', base({ successUrl: 'https://shop.example/café' }), 'valid'],
  ['a URL at its limit', base({ successUrl: `https://shop.example/${'a'.repeat(LIMITS.urlMaxChars - 21)}` }), 'valid'],
  ['a URL past its limit', base({ successUrl: `https://shop.example/${'a'.repeat(LIMITS.urlMaxChars - 20)}` }), 'invalid'],
  ['an ftp URL', base({ successUrl: 'ftp://shop.example/' }), 'invalid'],
  ['a relative URL', base({ successUrl: '/done' }), 'invalid'],
  ['a URL with a space', base({ cancelUrl: 'https://shop.example/a b' }), 'invalid'],
  ['a URL with a backslash', base({ cancelUrl: 'https://shop.example\\a' }), 'invalid'],
  ['a URL without a host', base({ cancelUrl: 'https://' }), 'invalid'],
  ['a URL with credentials', base({ cancelUrl: 'https://user:pw@shop.example/' }), 'validator only'],
  // Email
  ['an email with a long local part', base({ customerEmail: `${'a'.repeat(LIMITS.emailLocalPartMaxChars)}@example.com` }), 'valid'],
  ['an email with a too long local part', base({ customerEmail: `${'a'.repeat(LIMITS.emailLocalPartMaxChars + 1)}@example.com` }), 'invalid'],
  ['an email without a dot in the domain', base({ customerEmail: 'buyer@localhost' }), 'invalid'],
  ['an email without @', base({ customerEmail: 'buyer.example.com' }), 'invalid'],
  ['an email at its limit', base({ customerEmail: longEmail(LIMITS.emailMaxChars) }), 'valid'],
  ['an email past its limit', base({ customerEmail: longEmail(LIMITS.emailMaxChars + 1) }), 'invalid'],
  // Expiry
  ['expiresInMinutes at its limits', base({ expiresInMinutes: LIMITS.expiresInMinutesMin }), 'valid'],
  ['expiresInMinutes at its upper limit', base({ expiresInMinutes: LIMITS.expiresInMinutesMax }), 'valid'],
  ['expiresInMinutes too short', base({ expiresInMinutes: LIMITS.expiresInMinutesMin - 1 }), 'invalid'],
  ['expiresInMinutes too long', base({ expiresInMinutes: LIMITS.expiresInMinutesMax + 1 }), 'invalid'],
  ['expiresInMinutes a string', base({ expiresInMinutes: '60' }), 'invalid'],
  ['expiresInMinutes a fraction', base({ expiresInMinutes: 60.5 }), 'invalid'],
  // Metadata
  ['metadata empty', base({ metadata: {} }), 'valid'],
  ['metadata at its key limit', base({ metadata: keys(LIMITS.metadataMaxKeys) }), 'valid'],
  ['metadata past its key limit', base({ metadata: keys(LIMITS.metadataMaxKeys + 1) }), 'invalid'],
  ['a metadata key at its limit', base({ metadata: { ['k'.repeat(LIMITS.metadataKeyMaxChars)]: 'v' } }), 'valid'],
  ['a metadata key past its limit', base({ metadata: { ['k'.repeat(LIMITS.metadataKeyMaxChars + 1)]: 'v' } }), 'invalid'],
  ['a metadata key with brackets', base({ metadata: { 'a[b]': 'v' } }), 'invalid'],
  ['a metadata key with a tab', base({ metadata: { 'a\tb': 'v' } }), 'invalid'],
  ['an empty metadata key', base({ metadata: { '': 'v' } }), 'invalid'],
  ['a __proto__ metadata key', base({ metadata: JSON.parse('{"__proto__": "v"}') }), 'invalid'],
  ['a constructor metadata key', base({ metadata: { constructor: 'v' } }), 'invalid'],
  ['a metadata value at its limit', base({ metadata: { note: 'v'.repeat(LIMITS.metadataValueMaxChars) } }), 'valid'],
  ['a metadata value with newlines', base({ metadata: { note: 'line 1\nline 2' } }), 'valid'],
  ['a metadata value past its limit', base({ metadata: { note: 'v'.repeat(LIMITS.metadataValueMaxChars + 1) } }), 'invalid'],
  ['a metadata value that is a number', base({ metadata: { n: 42 } }), 'invalid'],
  ['metadata an array', base({ metadata: ['a'] }), 'invalid'],
];

function validatorAccepts(input: unknown): boolean {
  try {
    validateCreatePaymentInput(input);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code !== 'BAD_USER_INPUT') throw error;
    return false;
  }
}

describe('CreatePaymentInput in the OpenAPI document and the validator', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    const schemaAccepts = validateSchema(input);
    const code = validatorAccepts(input);
    const outcome = { validator: code, schema: schemaAccepts, errors: schemaAccepts ? undefined : validateSchema.errors?.map((e) => `${e.instancePath} ${e.message}`) };
    if (expected === 'valid') expect(outcome).toMatchObject({ validator: true, schema: true });
    if (expected === 'invalid') expect(outcome).toMatchObject({ validator: false, schema: false });
    if (expected === 'validator only') expect(outcome).toMatchObject({ validator: false, schema: true });
  });
});
