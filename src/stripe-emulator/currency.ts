/**
 * Stripe's currency rules, as published at https://docs.stripe.com/currencies. The emulator keeps
 * its own copy (it shares no code with the gateway) so that it can act as an independent oracle.
 */

/** Presentment currencies Stripe accepts for card payments (lower case, as on the wire). */
const SUPPORTED = new Set(
  (
    'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn ' +
    'bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf ' +
    'gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp lkr ' +
    'lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen ' +
    'pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd std szl thb tjs tnd ' +
    'top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xcg xof xpf yer zar zmw'
  ).split(' '),
);

/** Amounts in these are whole units: ¥500 is sent as 500, not 50000. */
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);

/** Three-decimal currencies: Stripe requires the last digit to be 0 (amounts round to 10). */
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

/**
 * Stripe's minimum charge per currency, in minor units. Stripe publishes this table for its
 * settlement currencies; for the others it converts to the account's currency at charge time,
 * which the emulator cannot do, so it only asks for a positive amount there (see README).
 */
const MINIMUM_MINOR: Readonly<Record<string, number>> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50,
  gbp: 30, hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50,
  pln: 200, ron: 200, sek: 300, sgd: 50, thb: 1000,
};

/** Stripe's amount fields hold at most eight digits. */
export const MAX_AMOUNT = 99_999_999;

export function isSupportedCurrency(currency: string): boolean {
  return SUPPORTED.has(currency);
}

export function decimalsOf(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

export function isThreeDecimal(currency: string): boolean {
  return THREE_DECIMAL.has(currency);
}

export function minimumChargeOf(currency: string): number {
  return MINIMUM_MINOR[currency] ?? 1;
}

/** "$0.50", "¥50", "€1,234.56": minor units shown in the currency's own units. */
export function formatAmount(amount: number, currency: string): string {
  const decimals = decimalsOf(currency);
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency.toUpperCase(),
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    }).format(amount / 10 ** decimals);
  } catch {
    // Intl may not know a rare code; fall back to the plain number and the code.
    return `${(amount / 10 ** decimals).toFixed(decimals)} ${currency.toUpperCase()}`;
  }
}

export function supportedCurrencies(): string[] {
  return [...SUPPORTED];
}
