/**
 * From zod's issues to the API's problems: one `{ field, message }` per problem, the field a dotted
 * path (`lineItems.0.unitAmount`, `metadata.someKey`), in the order of the schema's fields (an unknown
 * field first, then each declared field, list entries by index), at most LIMITS.maxReportedProblems
 * of them. The messages are the schemas' own (rules.ts): only unknown fields are worded here, as zod
 * reports them all in one issue.
 */
import { z } from 'zod';
import { FieldProblem, ValidationError } from '../../domain/errors';
import { LIMITS } from '../../domain/limits';
import { displayKey, fieldPath } from './problem-list';

type Path = readonly PropertyKey[];
/** `path` places the problem (ranking); `shownPath` names it, when they differ. */
type Problem = { path: Path; message: string; shownPath?: Path };

/** The schema that checks what sits at `key` inside a value checked by `schema`, if it says. */
function childSchema(schema: z.core.$ZodType | undefined, key: PropertyKey): z.core.$ZodType | undefined {
  const inner = unwrap(schema);
  const def = inner?._zod.def;
  if (def?.type === 'object') return (def as z.core.$ZodObjectDef).shape[key as string];
  if (def?.type === 'array') return (def as z.core.$ZodArrayDef).element;
  if (def?.type === 'record') return (def as z.core.$ZodRecordDef).valueType;
  return undefined;
}

/** Looks through the wrappers (absent-means-default, preprocessing) to the schema doing the checking. */
function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let at = schema;
  for (;;) {
    const def = at?._zod.def;
    if (def?.type === 'pipe') {
      const pipe = def as z.core.$ZodPipeDef;
      at = pipe.in._zod.def.type === 'transform' ? pipe.out : pipe.in;
    } else if (def?.type === 'optional' || def?.type === 'nullable') at = (def as z.core.$ZodOptionalDef).innerType;
    else return at;
  }
}

/** The declared fields of the object checked at this level, in order; none for lists and records. */
function fieldsOf(schema: z.core.$ZodType | undefined): string[] {
  const def = unwrap(schema)?._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

/**
 * Where a problem sorts: per level, the field's place in its object (unknown fields first), a list
 * entry's index, or a record key's place in the input (so metadata problems come in the caller's order).
 */
function rankOf(schema: z.core.$ZodType, input: unknown, path: Path): number[] {
  const ranks: number[] = [];
  let at: z.core.$ZodType | undefined = schema;
  let value = input;
  for (const key of path) {
    const fields = fieldsOf(at);
    if (typeof key === 'number') ranks.push(key);
    else if (fields.length > 0) ranks.push(fields.indexOf(key as string));
    else ranks.push(value !== null && typeof value === 'object' ? Object.keys(value).indexOf(key as string) : 0);
    at = childSchema(at, key);
    value = value !== null && typeof value === 'object' ? Object.getOwnPropertyDescriptor(value, key)?.value : undefined;
  }
  return ranks;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  // A problem with a whole list or object (metadata's key count) before those of its entries.
  return a.length - b.length;
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A typo (`lineitems`) must not be silently ignored, or a merchant ships code whose field never takes effect. */
function unknownFieldMessage(key: string, known: string[]): string {
  const guess = known.find((name) => squash(name) === squash(key));
  return guess ? `is not a known field; did you mean "${guess}"?` : `is not a known field (known: ${known.join(', ')})`;
}

/** One problem per issue, except one per key for unknown keys and the inner message for a bad record key. */
function expand(schema: z.core.$ZodType, issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === 'unrecognized_keys') {
    let at: z.core.$ZodType | undefined = schema;
    for (const key of issue.path) at = childSchema(at, key);
    const known = fieldsOf(at);
    // On an object, fields it does not declare; on a record, the keys refused by name (create-payment.schema.ts).
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: known.length > 0 ? unknownFieldMessage(key, known) : issue.message }));
  }
  if (issue.code === 'invalid_key') {
    const key = issue.path[issue.path.length - 1];
    const message = issue.issues[0]?.message ?? issue.message;
    // An empty key has no name to show: the problem is reported on the record itself.
    return [{ path: issue.path, message, shownPath: key === '' ? issue.path.slice(0, -1) : undefined }];
  }
  return [{ path: issue.path, message: issue.message }];
}

/** `lineItems.0.unitAmount`; caller-controlled keys made safe to echo back (displayKey). */
function fieldName(path: Path, root: string): string {
  if (path.length === 0) return root;
  const [first, ...rest] = path;
  return rest.reduce<string>((parent, key) => fieldPath(parent, key as string | number), displayKey(String(first)));
}

/**
 * The problems of a failed parse, in the schema's order; `root` names the input itself (a problem
 * with an empty path: not an object, say).
 */
function problemsOf(schema: z.core.$ZodType, input: unknown, issues: readonly z.core.$ZodIssue[], root: string): FieldProblem[] {
  const problems = issues
    .flatMap((issue) => expand(schema, issue))
    .map((problem) => ({ ...problem, rank: rankOf(schema, input, problem.path) }))
    .sort((a, b) => compareRanks(a.rank, b.rank)); // stable: equal ranks keep zod's order
  const details = problems
    .slice(0, LIMITS.maxReportedProblems)
    .map(({ path, shownPath, message }) => ({ field: fieldName(shownPath ?? path, root), message }));
  const unreported = problems.length - details.length;
  if (unreported > 0) details.push({ field: 'input', message: `…and ${unreported} more problems not listed` });
  return details;
}

/** The parsed value, or one ValidationError (BAD_USER_INPUT) listing every problem. */
export function parseOrThrow<T extends z.core.$ZodType>(schema: T, value: unknown, root: string): z.output<T> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw new ValidationError(problemsOf(schema, value, result.error.issues, root));
}
