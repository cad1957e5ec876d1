import { FieldProblem, ValidationError } from '../../src/domain/errors';
import { validateCreatePaymentInput, validateIdempotencyKey, validatePageArgs, validatePaymentRef } from '../../src/services/validation';

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 'order-42',
    currency: 'USD',
    lineItems: [{ name: 'T-shirt', unitAmount: 1500, quantity: 2 }],
    successUrl: 'https://shop.example/done',
    cancelUrl: 'https://shop.example/cart',
    ...overrides,
  };
}

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Mug', unitAmount: 1000, quantity: 1, ...overrides };
}

function problems(run: () => unknown): FieldProblem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('BAD_USER_INPUT');
    return (error as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

const fields = (run: () => unknown) => problems(run).map((problem) => problem.field);

describe('validateCreatePaymentInput', () => {
  it('accepts a valid body and fills the defaults', () => {
    expect(validateCreatePaymentInput(body())).toEqual({
      orderId: 'order-42',
      currency: 'USD',
      lineItems: [{ name: 'T-shirt', unitAmount: 1500, quantity: 2 }],
      amount: 3000,
      successUrl: 'https://shop.example/done',
      cancelUrl: 'https://shop.example/cart',
      customerEmail: null,
      expiresInMinutes: 60,
      metadata: {},
    });
  });

  it('treats explicit nulls of optional fields (GraphQL) as absent', () => {
    const valid = validateCreatePaymentInput(body({ customerEmail: null, expiresInMinutes: null, metadata: null }));
    expect(valid).toMatchObject({ customerEmail: null, expiresInMinutes: 60, metadata: {} });
  });

  it('accepts class instances as GraphQL hands them over', () => {
    class LineItemInput { name = 'Mug'; unitAmount = 900; quantity = 1; }
    class CreatePaymentInput { customerEmail?: string = undefined; lineItems = [new LineItemInput()]; }
    const input = Object.assign(new CreatePaymentInput(), body({ lineItems: [new LineItemInput()] }));
    expect(validateCreatePaymentInput(input).amount).toBe(900);
  });

  it('normalises a lower-case currency to upper case', () => {
    expect(validateCreatePaymentInput(body({ currency: 'eur' })).currency).toBe('EUR');
  });

  it('refuses an unknown currency', () => {
    expect(problems(() => validateCreatePaymentInput(body({ currency: 'XYZ' })))).toEqual([
      { field: 'currency', message: expect.stringContaining('XYZ is not a currency') },
    ]);
    expect(fields(() => validateCreatePaymentInput(body({ currency: 'dollars' })))).toEqual(['currency']);
  });

  it.each([0, -100])('refuses a unitAmount of %p', (unitAmount) => {
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [item({ unitAmount })] })))).toEqual(['lineItems.0.unitAmount']);
  });

  it('refuses a total over the maximum amount', () => {
    const lineItems = [item({ unitAmount: 99_999_999 }), item({ unitAmount: 1 })];
    expect(problems(() => validateCreatePaymentInput(body({ lineItems })))).toEqual([
      { field: 'lineItems', message: expect.stringContaining('at most 999999.99 USD') },
    ]);
    expect(validateCreatePaymentInput(body({ lineItems: [item({ unitAmount: 99_999_999 })] })).amount).toBe(99_999_999);
  });

  it('refuses a total below the currency minimum: USD 49 cents refused, 50 accepted', () => {
    expect(problems(() => validateCreatePaymentInput(body({ lineItems: [item({ unitAmount: 49 })] })))).toEqual([
      { field: 'lineItems', message: expect.stringContaining("0.49 USD (49) is below Stripe's minimum charge of 0.50 USD") },
    ]);
    expect(validateCreatePaymentInput(body({ lineItems: [item({ unitAmount: 50 })] })).amount).toBe(50);
    expect(validateCreatePaymentInput(body({ lineItems: [item({ unitAmount: 25, quantity: 2 })] })).amount).toBe(50);
  });

  it('takes JPY amounts as whole yen: ¥49 refused, ¥50 accepted and not multiplied', () => {
    const jpy = (unitAmount: number) => body({ currency: 'jpy', lineItems: [item({ unitAmount })] });
    expect(problems(() => validateCreatePaymentInput(jpy(49)))).toEqual([
      { field: 'lineItems', message: expect.stringContaining('49 JPY (49) is below Stripe\'s minimum charge of 50 JPY') },
    ]);
    expect(validateCreatePaymentInput(jpy(50))).toMatchObject({ currency: 'JPY', amount: 50 });
  });

  it('requires three-decimal amounts to end in 0 and ISK amounts to be whole krónur', () => {
    expect(fields(() => validateCreatePaymentInput(body({ currency: 'KWD', lineItems: [item({ unitAmount: 5125 })] })))).toEqual([
      'lineItems.0.unitAmount',
    ]);
    expect(validateCreatePaymentInput(body({ currency: 'KWD', lineItems: [item({ unitAmount: 5120 })] })).amount).toBe(5120);
    expect(fields(() => validateCreatePaymentInput(body({ currency: 'ISK', lineItems: [item({ unitAmount: 12345 })] })))).toEqual([
      'lineItems.0.unitAmount',
    ]);
  });

  const badUrls = ['javascript:alert(1)', 'ftp://shop.example/done', '/checkout/done', '//shop.example/done', 'https:shop.example'];
  it.each([...badUrls, 'https://user:pw@shop.example/', 'https://shop.example/a b', 'https://shop.example\\@evil.example'])(
    'refuses the successUrl %p',
    (successUrl) => expect(fields(() => validateCreatePaymentInput(body({ successUrl })))).toEqual(['successUrl']),
  );

  it('names the scheme it refused', () => {
    expect(problems(() => validateCreatePaymentInput(body({ cancelUrl: 'javascript:alert(1)' })))[0].message).toContain('not javascript:');
  });

  it('accepts http URLs (sandbox) and URLs up to 5000 characters', () => {
    const long = `https://shop.example/${'a'.repeat(5000 - 'https://shop.example/'.length)}`;
    expect(validateCreatePaymentInput(body({ successUrl: 'http://localhost:3000/done', cancelUrl: long })).cancelUrl).toBe(long);
    expect(fields(() => validateCreatePaymentInput(body({ cancelUrl: `${long}a` })))).toEqual(['cancelUrl']);
  });

  it('refuses 0 and 101 line items', () => {
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [] })))).toEqual(['lineItems']);
    const many = Array.from({ length: 101 }, () => item());
    expect(problems(() => validateCreatePaymentInput(body({ lineItems: many })))[0].message).toContain('at most 100');
    expect(validateCreatePaymentInput(body({ lineItems: many.slice(1) })).lineItems).toHaveLength(100);
  });

  it.each([0, 1000])('refuses a quantity of %p', (quantity) => {
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [item({ quantity })] })))).toEqual(['lineItems.0.quantity']);
  });

  it('accepts quantities 1 and 999', () => {
    expect(validateCreatePaymentInput(body({ lineItems: [item({ quantity: 999 }), item({ quantity: 1 })] })).amount).toBe(1_000_000);
  });

  it('bounds line item names by Stripe\'s 250-character product name limit', () => {
    expect(validateCreatePaymentInput(body({ lineItems: [item({ name: 'x'.repeat(250) })] })).lineItems[0].name).toHaveLength(250);
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [item({ name: 'x'.repeat(251) })] })))).toEqual(['lineItems.0.name']);
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [item({ name: '  ' })] })))).toEqual(['lineItems.0.name']);
  });

  it.each([29, 1441, 60.5])('refuses expiresInMinutes %p', (expiresInMinutes) => {
    expect(fields(() => validateCreatePaymentInput(body({ expiresInMinutes })))).toEqual(['expiresInMinutes']);
  });

  it.each([30, 1440])('accepts expiresInMinutes %p', (expiresInMinutes) => {
    expect(validateCreatePaymentInput(body({ expiresInMinutes })).expiresInMinutes).toBe(expiresInMinutes);
  });

  it('refuses floats and integers beyond 2^53', () => {
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [item({ unitAmount: 10.5 })] })))).toEqual(['lineItems.0.unitAmount']);
    const huge = JSON.parse(`{"unitAmount": 9007199254740993, "quantity": 1, "name": "x"}`);
    expect(problems(() => validateCreatePaymentInput(body({ lineItems: [huge] })))[0]).toEqual({
      field: 'lineItems.0.unitAmount',
      message: expect.stringContaining('2^53'),
    });
  });

  it('refuses strings where numbers are expected', () => {
    const raw = body({ lineItems: [item({ unitAmount: '1000', quantity: '2' })], expiresInMinutes: '60' });
    expect(problems(() => validateCreatePaymentInput(raw))).toEqual([
      { field: 'lineItems.0.unitAmount', message: expect.stringContaining('not a string') },
      { field: 'lineItems.0.quantity', message: expect.stringContaining('not a string') },
      { field: 'expiresInMinutes', message: expect.stringContaining('not a string') },
    ]);
  });

  it('validates the customer email when given', () => {
    expect(validateCreatePaymentInput(body({ customerEmail: 'buyer@example.com' })).customerEmail).toBe('buyer@example.com');
    for (const customerEmail of ['buyer', 'buyer@localhost', 'a b@example.com', `${'a'.repeat(250)}@example.com`, 42]) {
      expect(fields(() => validateCreatePaymentInput(body({ customerEmail })))).toEqual(['customerEmail']);
    }
  });

  it('bounds orderId to 1..128 characters without control characters', () => {
    expect(validateCreatePaymentInput(body({ orderId: 'é'.repeat(128) })).orderId).toHaveLength(128);
    for (const orderId of ['', 'x'.repeat(129), 'a\nb', 7]) {
      expect(fields(() => validateCreatePaymentInput(body({ orderId })))).toEqual(['orderId']);
    }
  });

  describe('metadata', () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));

    it('accepts 50 keys, 40-character keys and 500-character values', () => {
      expect(Object.keys(validateCreatePaymentInput(body({ metadata: keys(50) })).metadata)).toHaveLength(50);
      const metadata = { ['k'.repeat(40)]: 'v'.repeat(500) };
      expect(validateCreatePaymentInput(body({ metadata })).metadata).toEqual(metadata);
    });

    it('refuses 51 keys', () => {
      expect(fields(() => validateCreatePaymentInput(body({ metadata: keys(51) })))).toEqual(['metadata']);
    });

    it('refuses a 41-character key, a 501-character value and a non-string value', () => {
      const metadata = { ['k'.repeat(41)]: 'v', long: 'v'.repeat(501), count: 42, flag: true, nested: { a: 'b' } };
      expect(fields(() => validateCreatePaymentInput(body({ metadata })))).toEqual([
        `metadata.${'k'.repeat(41)}`,
        'metadata.long',
        'metadata.count',
        'metadata.flag',
        'metadata.nested',
      ]);
    });

    it('counts metadata lengths in UTF-16 code units, as Stripe may: an emoji counts 2', () => {
      const fits = { ['😀'.repeat(20)]: '😀'.repeat(250) };
      expect(validateCreatePaymentInput(body({ metadata: fits })).metadata).toEqual(fits);
      // 21 emoji are 42 units, 251 are 502: the emulator refuses both, so the gateway does first.
      expect(fields(() => validateCreatePaymentInput(body({ metadata: { ['😀'.repeat(21)]: 'v', long: '😀'.repeat(251) } })))).toEqual([
        `metadata.${'😀'.repeat(21)}`,
        'metadata.long',
      ]);
    });

    it('refuses keys with square brackets and an array instead of an object', () => {
      expect(fields(() => validateCreatePaymentInput(body({ metadata: { 'a[b]': 'c' } })))).toEqual(['metadata.a[b]']);
      expect(fields(() => validateCreatePaymentInput(body({ metadata: ['a'] })))).toEqual(['metadata']);
    });

    it('refuses __proto__, constructor and prototype keys without polluting any prototype', () => {
      const raw = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "x", "prototype": "y", "ok": "1"}');
      expect(fields(() => validateCreatePaymentInput(body({ metadata: raw })))).toEqual([
        'metadata.__proto__',
        'metadata.constructor',
        'metadata.prototype',
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('returns a plain object with exactly the own keys given', () => {
      const metadata = validateCreatePaymentInput(body({ metadata: JSON.parse('{"a": "1", "b": "2"}') })).metadata;
      expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
      expect(metadata).toEqual({ a: '1', b: '2' });
    });
  });

  it.each([null, undefined, [], [body()], 'order', 42])('refuses a body that is not an object: %p', (raw) => {
    expect(fields(() => validateCreatePaymentInput(raw))).toEqual(['input']);
  });

  it('refuses unknown fields and suggests the right spelling', () => {
    const raw = { ...body(), lineitems: [item()], amount: 100 };
    expect(problems(() => validateCreatePaymentInput(raw))).toEqual([
      { field: 'lineitems', message: expect.stringContaining('did you mean "lineItems"') },
      { field: 'amount', message: expect.stringContaining('not a known field') },
    ]);
    expect(fields(() => validateCreatePaymentInput(body({ lineItems: [item({ unit_amount: 5 })] })))).toEqual([
      'lineItems.0.unit_amount',
    ]);
  });

  it('ignores fields inherited from a polluted prototype', () => {
    const raw = body();
    delete raw.currency;
    (Object.prototype as Record<string, unknown>).currency = 'USD';
    try {
      expect(fields(() => validateCreatePaymentInput(raw))).toEqual(['currency']);
    } finally {
      delete (Object.prototype as Record<string, unknown>).currency;
    }
  });

  it('reports every problem at once', () => {
    const raw = {
      orderId: '',
      currency: 'usd',
      lineItems: [item({ unitAmount: -1 }), item({ quantity: 0, name: 5 })],
      successUrl: 'ftp://x',
      cancelUrl: 'nope',
      expiresInMinutes: 5,
      metadata: { 'x[y]': 1 },
      extra: true,
    };
    expect(fields(() => validateCreatePaymentInput(raw))).toEqual([
      'extra',
      'orderId',
      'lineItems.0.unitAmount',
      'lineItems.1.name',
      'lineItems.1.quantity',
      'successUrl',
      'cancelUrl',
      'expiresInMinutes',
      'metadata.x[y]',
    ]);
  });

  it('caps the listed problems so a body of junk keys does not produce a huge answer', () => {
    const raw = { ...body(), ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`junk${i}`, 1])) };
    const listed = problems(() => validateCreatePaymentInput(raw));
    expect(listed).toHaveLength(101);
    expect(listed[100]).toEqual({ field: 'input', message: '…and 400 more problems not listed' });
  });
});

describe('validatePaymentRef', () => {
  it('accepts a gateway ref', () => {
    expect(validatePaymentRef('pay_AbCdEfGhIjKlMnOpQrStUvWx')).toBe('pay_AbCdEfGhIjKlMnOpQrStUvWx');
  });

  it.each(['', 'pay_short', 'cs_AbCdEfGhIjKlMnOpQrStUvWx', 'pay_AbCdEfGhIjKlMnOpQrStUv!x', `pay_${'a'.repeat(37)}`, null, 42])(
    'refuses %p as BAD_USER_INPUT on ref',
    (ref) => expect(fields(() => validatePaymentRef(ref))).toEqual(['ref']),
  );
});

describe('validatePageArgs', () => {
  it('reads the first 20 forwards when neither first nor last is given', () => {
    expect(validatePageArgs({})).toEqual({ direction: 'forward', size: 20, after: null, before: null });
    expect(validatePageArgs({ first: null, after: null, last: null, before: '' })).toEqual({ direction: 'forward', size: 20, after: null, before: null });
  });

  it('pages forwards with first/after and backwards with last/before, 1..100 each', () => {
    expect(validatePageArgs({ first: 1, after: 'eyJpZCI6NDJ9' })).toEqual({ direction: 'forward', size: 1, after: 'eyJpZCI6NDJ9', before: null });
    expect(validatePageArgs({ last: 100, before: 'abc' })).toEqual({ direction: 'backward', size: 100, after: null, before: 'abc' });
    expect(validatePageArgs({ last: 1 })).toEqual({ direction: 'backward', size: 1, after: null, before: null });
  });

  it('refuses first and last together, as Relay leaves that undefined', () => {
    expect(fields(() => validatePageArgs({ first: 10, last: 10 }))).toEqual(['last']);
  });

  it('refuses first or last outside 1..100 and oversized cursors, together', () => {
    expect(fields(() => validatePageArgs({ first: 0 }))).toEqual(['first']);
    expect(fields(() => validatePageArgs({ last: 101 }))).toEqual(['last']);
    expect(fields(() => validatePageArgs({ first: 101, after: 'x'.repeat(201) }))).toEqual(['first', 'after']);
    expect(fields(() => validatePageArgs({ last: -1, before: 'has space' }))).toEqual(['last', 'before']);
  });
});

describe('validateIdempotencyKey', () => {
  it('returns null when the header is absent', () => {
    expect(validateIdempotencyKey(undefined)).toBeNull();
  });

  it('accepts 1..255 printable ASCII characters', () => {
    expect(validateIdempotencyKey('k')).toBe('k');
    expect(validateIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });

  it.each(['', 'x'.repeat(256), 'clé', 'a\tb', ['a', 'b']])('refuses %p on Idempotency-Key', (header) => {
    expect(fields(() => validateIdempotencyKey(header))).toEqual(['Idempotency-Key']);
  });
});
