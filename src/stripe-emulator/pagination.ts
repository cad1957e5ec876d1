import type Stripe from 'stripe';
import { FormParams, FormValue, isHash, readInteger, readString } from './form-params';
import { invalidParam, resourceMissing } from './stripe-error';

/** Stripe's cursor pagination: `limit` 1..100 (default 10), `starting_after` / `ending_before` ids. */
export interface PageRequest {
  limit: number;
  startingAfter: string | null;
  endingBefore: string | null;
}

export function readPageRequest(query: FormParams): PageRequest {
  const limit = readInteger(query.limit, 'limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = readString(query.starting_after, 'starting_after');
  const endingBefore = readString(query.ending_before, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidParam('ending_before', 'You may only specify one of these parameters: ending_before, starting_after.');
  }
  return { limit, startingAfter, endingBefore };
}

/**
 * One page of `newestFirst`, Stripe style: `starting_after` walks towards older objects,
 * `ending_before` towards newer ones; `has_more` says whether the walk could go on.
 */
export function paginate<T extends { id: string }>(
  newestFirst: readonly T[],
  page: PageRequest,
  url: string,
  objectName: string,
): Stripe.ApiList<T> {
  if (page.endingBefore) {
    const end = indexOf(newestFirst, page.endingBefore, 'ending_before', objectName);
    const start = Math.max(0, end - page.limit);
    return { object: 'list', data: newestFirst.slice(start, end), has_more: start > 0, url };
  }
  const start = page.startingAfter
    ? indexOf(newestFirst, page.startingAfter, 'starting_after', objectName) + 1
    : 0;
  const data = newestFirst.slice(start, start + page.limit);
  return { object: 'list', data, has_more: start + page.limit < newestFirst.length, url };
}

function indexOf<T extends { id: string }>(items: readonly T[], id: string, param: string, objectName: string): number {
  const i = items.findIndex((item) => item.id === id);
  if (i < 0) throw resourceMissing(objectName, id, param);
  return i;
}

/** `created` as Stripe takes it: an exact timestamp or a hash of gt/gte/lt/lte bounds. */
export type CreatedFilter = (created: number) => boolean;

export function readCreatedFilter(value: FormValue | undefined): CreatedFilter {
  if (value === undefined || value === '') return () => true;
  if (typeof value === 'string') {
    const exact = readInteger(value, 'created');
    return (created) => created === exact;
  }
  if (!isHash(value)) throw invalidParam('created', 'Invalid created: must be an integer or a hash');
  const bounds: Array<(c: number) => boolean> = [];
  for (const key of Object.keys(value)) {
    const n = readInteger(value[key], `created[${key}]`)!;
    switch (key) {
      case 'gt': bounds.push((c) => c > n); break;
      case 'gte': bounds.push((c) => c >= n); break;
      case 'lt': bounds.push((c) => c < n); break;
      case 'lte': bounds.push((c) => c <= n); break;
      default: throw invalidParam(`created[${key}]`, `Received unknown parameter: created[${key}]`, 'parameter_unknown');
    }
  }
  return (created) => bounds.every((ok) => ok(created));
}
