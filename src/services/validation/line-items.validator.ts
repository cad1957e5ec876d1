import { amountIncrement, amountIncrementReason, formatAmount, MAX_AMOUNT, minimumChargeAmount } from '../../domain/money';
import { fieldNames, LINE_ITEM_FIELDS as LINE_ITEM_RULES } from './field-rules';
import { LIMITS } from './limits';
import { fieldPath, ProblemList } from './problem-list';
import { describe, isAbsent, isObjectLike, ownValue, readInteger, readText, rejectUnknownFields } from './value-readers';

export interface ValidLineItem {
  name: string;
  /** Minor units of the payment's currency. */
  unitAmount: number;
  quantity: number;
}

const LINE_ITEM_FIELDS = fieldNames(LINE_ITEM_RULES);
const MINOR_UNIT_HINT = ' (amounts are integers in the minor unit: 1050 for 10.50 USD, 500 for ¥500)';

/**
 * The line items, each checked on its own. `currency` is the already-validated currency, or null when
 * it was itself invalid: then the currency-dependent rules are skipped rather than guessed.
 */
export function readLineItems(p: ProblemList, value: unknown, currency: string | null): ValidLineItem[] | undefined {
  const field = 'lineItems';
  if (isAbsent(value)) return p.add(field, 'is required');
  if (!Array.isArray(value)) return p.add(field, `must be an array of line items, got ${describe(value)}`);
  if (value.length < LIMITS.lineItemsMin) return p.add(field, 'must contain at least one line item');
  if (value.length > LIMITS.lineItemsMax) {
    // Checking thousands of entries one by one would bury this, the actual problem.
    return p.add(field, `must contain at most ${LIMITS.lineItemsMax} line items, got ${value.length}`);
  }
  const items: ValidLineItem[] = [];
  let allValid = true;
  // An index loop, not forEach: a hole in a sparse array must count as a missing line, not vanish.
  for (let index = 0; index < value.length; index += 1) {
    const item = readLineItem(p, fieldPath(field, index), value[index] as unknown, currency);
    if (item) items.push(item);
    else allValid = false;
  }
  return allValid ? items : undefined;
}

function readLineItem(p: ProblemList, path: string, raw: unknown, currency: string | null): ValidLineItem | undefined {
  if (!isObjectLike(raw)) return p.add(path, `must be an object with name, unitAmount and quantity, got ${describe(raw)}`);
  const before = p.count;
  rejectUnknownFields(p, path, raw, LINE_ITEM_FIELDS);
  const name = readText(p, fieldPath(path, 'name'), ownValue(raw, 'name'), { maxChars: LIMITS.lineItemNameMaxChars });
  const unitAmount = readUnitAmount(p, fieldPath(path, 'unitAmount'), ownValue(raw, 'unitAmount'), currency);
  const quantity = readQuantity(p, fieldPath(path, 'quantity'), ownValue(raw, 'quantity'));
  if (p.count > before || name === undefined || unitAmount === undefined || quantity === undefined) return undefined;
  return { name, unitAmount, quantity };
}

function readUnitAmount(p: ProblemList, field: string, value: unknown, currency: string | null): number | undefined {
  const amount = readInteger(p, field, value, MINOR_UNIT_HINT);
  if (amount === undefined) return undefined;
  if (amount <= 0) return p.add(field, `must be a positive integer, got ${amount}`);
  if (amount > MAX_AMOUNT) return p.add(field, `must be at most ${MAX_AMOUNT} (the maximum amount of a payment), got ${amount}`);
  if (currency !== null) {
    const step = amountIncrement(currency);
    // Checked per line rather than on the total, so the message points at the line to fix.
    if (amount % step !== 0) return p.add(field, `must be a multiple of ${step}: ${amountIncrementReason(currency)}`);
  }
  return amount;
}

function readQuantity(p: ProblemList, field: string, value: unknown): number | undefined {
  const quantity = readInteger(p, field, value);
  if (quantity === undefined) return undefined;
  if (quantity < LIMITS.quantityMin || quantity > LIMITS.quantityMax) {
    return p.add(field, `must be between ${LIMITS.quantityMin} and ${LIMITS.quantityMax}, got ${quantity}`);
  }
  return quantity;
}

/**
 * The payment's amount: the sum of unitAmount × quantity, between the currency's minimum charge and
 * MAX_AMOUNT. Problems with the total are reported on `lineItems`, the input that produces it.
 */
export function totalAmount(p: ProblemList, items: readonly ValidLineItem[], currency: string): number | undefined {
  // Exact in doubles: at most 100 lines of MAX_AMOUNT × 999 stay far below 2^53.
  const total = items.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  if (total > MAX_AMOUNT) {
    return p.add(
      'lineItems',
      `the total amount (sum of unitAmount × quantity) must be at most ${formatAmount(MAX_AMOUNT, currency)} (${MAX_AMOUNT}), got ${total}`,
    );
  }
  const minimum = minimumChargeAmount(currency);
  if (total < minimum) {
    return p.add(
      'lineItems',
      `the total amount ${formatAmount(total, currency)} (${total}) is below Stripe's minimum charge of ${formatAmount(minimum, currency)} (${minimum})`,
    );
  }
  return total;
}
