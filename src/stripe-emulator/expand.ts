import type Stripe from 'stripe';
import { FormValue, readExpand } from './form-params';
import { invalidParam } from './stripe-error';

/**
 * Stripe's `expand[]`: dotted paths (`line_items.data.price.product`) that replace an id by the
 * object it names, or include a property left out by default (`line_items`). A path is checked
 * against the shape of the object it starts from before anything runs, so an unknown one is a
 * 400 and nothing is created.
 */

/** The kinds of object a path can walk through. `absent`: objects the emulator never has (customers, invoices…). */
export type ExpandKind =
  | 'checkout.session'
  | 'checkout.session.list'
  | 'line_item'
  | 'line_item.list'
  | 'price'
  | 'product'
  | 'payment_intent'
  | 'total_details'
  | 'total_details.breakdown'
  | 'event'
  | 'event.list'
  | 'absent';

interface FieldRule {
  /** What the property holds once expanded (or, when not expandable, what the path walks into). */
  kind: ExpandKind;
  /** true: an id (or a left-out property) that expansion replaces; false: an embedded object to walk through. */
  expandable: boolean;
}

const expandable = (kind: ExpandKind): FieldRule => ({ kind, expandable: true });
const embedded = (kind: ExpandKind): FieldRule => ({ kind, expandable: false });

/** Per kind, the properties a path may name: Stripe's expandable fields for what the emulator serves. */
const FIELDS: Record<ExpandKind, Record<string, FieldRule>> = {
  'checkout.session': {
    line_items: expandable('line_item.list'),
    payment_intent: expandable('payment_intent'),
    total_details: embedded('total_details'),
    customer: expandable('absent'),
    invoice: expandable('absent'),
    payment_link: expandable('absent'),
    setup_intent: expandable('absent'),
    subscription: expandable('absent'),
  },
  'checkout.session.list': { data: embedded('checkout.session') },
  line_item: { price: embedded('price') },
  'line_item.list': { data: embedded('line_item') },
  price: { product: expandable('product') },
  product: { default_price: expandable('absent') },
  payment_intent: {
    application: expandable('absent'),
    customer: expandable('absent'),
    latest_charge: expandable('absent'),
    on_behalf_of: expandable('absent'),
    payment_method: expandable('absent'),
    review: expandable('absent'),
  },
  total_details: { breakdown: expandable('total_details.breakdown') },
  'total_details.breakdown': {},
  event: {},
  'event.list': { data: embedded('event') },
  absent: {},
};

/** Stripe refuses paths deeper than this. */
const MAX_EXPAND_DEPTH = 4;

/** The requested paths as a tree of property names, checked against the starting kind. */
export type ExpandTree = Map<string, ExpandTree>;

export const NO_EXPANSION: ExpandTree = new Map();

/** Reads `expand[]` for an object of `root` kind; refuses an unknown path as Stripe does, naming `expand[i]`. */
export function parseExpand(value: FormValue | undefined, root: ExpandKind): ExpandTree {
  const tree: ExpandTree = new Map();
  readExpand(value).forEach((path, i) => {
    const segments = path.split('.');
    if (segments.length > MAX_EXPAND_DEPTH) {
      throw invalidParam(`expand[${i}]`, `You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property.`);
    }
    let kind = root;
    let node = tree;
    for (const segment of segments) {
      const rule = Object.hasOwn(FIELDS[kind], segment) ? FIELDS[kind][segment] : undefined;
      if (!rule) throw invalidParam(`expand[${i}]`, `This property cannot be expanded (${segment}).`);
      let child = node.get(segment);
      if (!child) node.set(segment, (child = new Map()));
      node = child;
      kind = rule.kind;
    }
  });
  return tree;
}

/** Where expansion finds the objects ids name. */
export interface ExpandSources {
  lineItemsOf(sessionId: string): Stripe.ApiList<Stripe.LineItem>;
  paymentIntent(id: string): Stripe.PaymentIntent | null;
  product(id: string): Stripe.Product | null;
}

type Json = Record<string, unknown>;

/** A copy of `object` with the paths in `tree` expanded; the stored object is never changed. */
export function expand<T>(object: T, tree: ExpandTree, kind: ExpandKind, sources: ExpandSources): T {
  if (tree.size === 0 || object === null || object === undefined || typeof object !== 'object') return object;
  if (Array.isArray(object)) return object.map((item) => expand(item, tree, kind, sources)) as T;
  const copy: Json = { ...(object as Json) };
  for (const [segment, subtree] of tree) {
    const rule = FIELDS[kind][segment]!;
    const value = rule.expandable ? resolve(rule.kind, copy[segment], copy, sources) : copy[segment];
    copy[segment] = expand(value, subtree, rule.kind, sources);
  }
  return copy as T;
}

function resolve(kind: ExpandKind, value: unknown, parent: Json, sources: ExpandSources): unknown {
  switch (kind) {
    case 'line_item.list':
      return sources.lineItemsOf(String(parent.id));
    case 'payment_intent':
      return typeof value === 'string' ? sources.paymentIntent(value) ?? value : value ?? null;
    case 'product':
      return typeof value === 'string' ? sources.product(value) ?? value : value ?? null;
    case 'total_details.breakdown':
      return { discounts: [], taxes: [] } satisfies Stripe.Checkout.Session.TotalDetails.Breakdown;
    default:
      // Objects the emulator never creates: the property is null, and expanding null gives null.
      return value ?? null;
  }
}
