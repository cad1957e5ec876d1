import { FieldProblem, ValidationError } from '../../domain/errors';
import { LIMITS } from './limits';

/**
 * Collects every problem of one input so the caller hears about all of them at once, not one per
 * round trip. Field paths are dotted (`lineItems.0.unitAmount`, `metadata.someKey`).
 */
export class ProblemList {
  private readonly problems: FieldProblem[] = [];
  private unreported = 0;

  /** Returns undefined so that a reader can `return p.add(…)` in place of a value. */
  add(field: string, message: string): undefined {
    if (this.problems.length < LIMITS.maxReportedProblems) this.problems.push({ field, message });
    else this.unreported += 1;
    return undefined;
  }

  get count(): number {
    return this.problems.length + this.unreported;
  }

  /** Throws the collected problems as one BAD_USER_INPUT; returns when there were none. */
  throwIfAny(): void {
    if (this.count === 0) return;
    const details = [...this.problems];
    if (this.unreported > 0) {
      details.push({ field: 'input', message: `…and ${this.unreported} more problems not listed` });
    }
    throw new ValidationError(details);
  }
}

/** Joins a path; `key` is caller-controlled text, so it is made safe to echo back first. */
export function fieldPath(parent: string, key: string | number): string {
  return `${parent}.${typeof key === 'number' ? key : displayKey(key)}`;
}

/**
 * A caller's key as it may appear in a field path: control characters replaced (they would garble
 * logs) and huge keys cut, so a 100 kB key does not come back 100 kB long.
 */
export function displayKey(key: string): string {
  const printable = key.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  // Cut by code points so an emoji is not split into a lone surrogate.
  const points = Array.from(printable.length > 256 ? printable.slice(0, 256) : printable);
  return points.length > 64 ? `${points.slice(0, 64).join('')}…` : printable;
}
