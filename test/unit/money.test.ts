import {
  amountIncrement,
  formatAmount,
  isSupportedCurrency,
  MAX_AMOUNT,
  minimumChargeAmount,
  minorUnitDigits,
  normalizeCurrency,
  STRIPE_ZERO_DECIMAL_CURRENCIES,
  supportedCurrencies,
  THREE_DECIMAL_CURRENCIES,
  toProviderCurrency,
} from '../../src/domain/money';
import * as emulator from '../../src/stripe-emulator/currency';

describe('money rules', () => {
  // The Stripe emulator keeps its own copy of Stripe's currency tables (it shares no code with the
  // gateway): the two copies, typed from https://docs.stripe.com/currencies apart, must agree.
  it("the zero-decimal list is Stripe's, as the emulator's independent copy has it", () => {
    const emulatorZeroDecimal = emulator.supportedCurrencies().filter((currency) => emulator.decimalsOf(currency) === 0);
    expect([...STRIPE_ZERO_DECIMAL_CURRENCIES].sort()).toEqual(emulatorZeroDecimal.map((currency) => currency.toUpperCase()).sort());
  });

  it("supports the currencies of the emulator's copy, with the same minor digits but for UGX's special case", () => {
    const theirs = emulator.supportedCurrencies().map((currency) => currency.toUpperCase());
    // XCG (the Caribbean guilder, new in 2025) is on the emulator's list and not yet on the gateway's.
    expect(theirs.filter((currency) => !isSupportedCurrency(currency))).toEqual(['XCG']);
    expect(supportedCurrencies().filter((currency) => !theirs.includes(currency))).toEqual([]);
    const digitsDiffer = supportedCurrencies().filter((currency) => minorUnitDigits(currency) !== emulator.decimalsOf(currency.toLowerCase()));
    expect(digitsDiffer).toEqual(['UGX']);
  });

  it('every zero-decimal currency but UGX has no minor digits', () => {
    for (const currency of STRIPE_ZERO_DECIMAL_CURRENCIES) {
      expect(minorUnitDigits(currency)).toBe(currency === 'UGX' ? 2 : 0);
    }
  });

  it('ISK and UGX are two-decimal in whole units, as Stripe enforces', () => {
    for (const currency of ['ISK', 'UGX']) {
      expect(minorUnitDigits(currency)).toBe(2);
      expect(amountIncrement(currency)).toBe(100);
    }
    expect(formatAmount(500, 'UGX')).toBe('5.00 UGX');
  });

  it('HUF and TWD charge ordinary two-decimal amounts (their special case is payouts only)', () => {
    expect(minorUnitDigits('HUF')).toBe(2);
    expect(amountIncrement('HUF')).toBe(1);
    expect(amountIncrement('TWD')).toBe(1);
  });

  it('three-decimal currencies are supported with the last digit 0', () => {
    expect([...THREE_DECIMAL_CURRENCIES].sort()).toEqual(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
    for (const currency of THREE_DECIMAL_CURRENCIES) {
      expect(isSupportedCurrency(currency)).toBe(true);
      expect(minorUnitDigits(currency)).toBe(3);
      expect(amountIncrement(currency)).toBe(10);
    }
    expect(formatAmount(5120, 'KWD')).toBe('5.120 KWD');
  });

  it('normalises currency codes of any case and refuses other shapes', () => {
    expect(normalizeCurrency('usd')).toBe('USD');
    expect(normalizeCurrency('Eur')).toBe('EUR');
    expect(normalizeCurrency('US')).toBeNull();
    expect(normalizeCurrency(' usd')).toBeNull();
    expect(normalizeCurrency('U$D')).toBeNull();
    expect(normalizeCurrency(840)).toBeNull();
    expect(normalizeCurrency(null)).toBeNull();
  });

  it('knows the supported currencies and refuses unknown ones', () => {
    expect(isSupportedCurrency('usd')).toBe(true);
    expect(isSupportedCurrency('JPY')).toBe(true);
    expect(isSupportedCurrency('XYZ')).toBe(false);
    expect(isSupportedCurrency('BTC')).toBe(false);
    // Stripe's 134 card presentment currencies plus the 5 three-decimal ones.
    expect(supportedCurrencies()).toHaveLength(139);
    for (const currency of STRIPE_ZERO_DECIMAL_CURRENCIES) expect(isSupportedCurrency(currency)).toBe(true);
  });

  it("uses Stripe's minimum charge table", () => {
    expect(minimumChargeAmount('USD')).toBe(50);
    expect(minimumChargeAmount('eur')).toBe(50);
    expect(minimumChargeAmount('GBP')).toBe(30);
    expect(minimumChargeAmount('JPY')).toBe(50);
    expect(minimumChargeAmount('HUF')).toBe(17500);
    expect(minimumChargeAmount('MXN')).toBe(1000);
    expect(minimumChargeAmount('THB')).toBe(1000);
  });

  it('asks only for the smallest chargeable amount where Stripe has no table entry', () => {
    expect(minimumChargeAmount('IDR')).toBe(1);
    expect(minimumChargeAmount('KRW')).toBe(1);
    expect(minimumChargeAmount('KWD')).toBe(10);
    expect(minimumChargeAmount('ISK')).toBe(100);
  });

  it('formats amounts for messages in major units', () => {
    expect(formatAmount(49, 'USD')).toBe('0.49 USD');
    expect(formatAmount(5, 'usd')).toBe('0.05 USD');
    expect(formatAmount(123456, 'EUR')).toBe('1234.56 EUR');
    expect(formatAmount(49, 'JPY')).toBe('49 JPY');
    expect(formatAmount(MAX_AMOUNT, 'USD')).toBe('999999.99 USD');
    expect(formatAmount(-150, 'USD')).toBe('-1.50 USD');
  });

  it('asks, in every supported currency, for a minimum Stripe can charge: a positive multiple of the increment', () => {
    for (const currency of supportedCurrencies()) {
      const minimum = minimumChargeAmount(currency);
      expect([currency, minimum > 0 && minimum % amountIncrement(currency) === 0]).toEqual([currency, true]);
      const decimals = formatAmount(minimum, currency).split(' ')[0].split('.')[1] ?? '';
      expect([currency, decimals.length]).toEqual([currency, minorUnitDigits(currency)]);
    }
  });

  it('speaks lower case to Stripe', () => {
    expect(toProviderCurrency('USD')).toBe('usd');
  });
});
