/**
 * Limits on what one GraphQL document may ask, checked during validation, before anything executes
 * (Apollo has none of its own; OWASP's GraphQL cheat sheet lists the attacks). One walk over the
 * operation measures:
 * - depth: the longest chain of nested selections;
 * - aliases: fields renamed with `alias:` (the trick behind alias batching);
 * - fields: every field selection, fragments included as often as they are spread;
 * - cost: every field costs 1, multiplied by the size of each list above it: the `first` of the field
 *   that asked for it (a connection's `first` or `last` sizes its `edges`), else 20; 100 when a variable.
 * The document is measured as it executes: a fragment (inline or named) counts where it is spread,
 * under the list sizes of that place. Each named fragment is measured once per list size it is
 * spread under and reused, so nested spreads cannot make the check itself expensive; a fragment
 * cycle is refused by GraphQL's own rules, and skipped here.
 *
 * Introspection (`__schema`, `__type`) reads only the in-memory schema but answers with a lot of it,
 * and needs its own deep shape whole (GraphiQL's and code generators' introspection query nests
 * `ofType` eight levels): each such field costs a fixed INTROSPECTION_COST and counts its aliases,
 * while depth and fields inside it are not counted; instead its lists (`types`, `fields`, `args`…)
 * may nest at most INTROSPECTION_MAX_LIST_NESTING deep, as deep as the standard query goes, which
 * bounds the size of its answer. `__typename` is an ordinary field (cost 1).
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  type GraphQLFieldMap,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
  maxCost: number;
}

/** A full `payments(first: 100)` page with every field, events and line items costs about 24 000. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 20, maxFields: 300, maxCost: 30_000 };

/** Tokens in one document: parsing stops there, before any validation work. */
export const MAX_DOCUMENT_TOKENS = 3_000;

/**
 * What one `__schema` or `__type` costs. A full introspection answer is about 35 KB here: at 10 000,
 * three copies fit under MAX_COST (what GraphiQL or a code generator needs, with room) and a fourth
 * is refused; a flood of aliased copies meets the alias limit first.
 */
const INTROSPECTION_COST = 10_000;
/** Lists nested inside introspection: `__schema { types { fields { args } } }` is the standard query's deepest. */
const INTROSPECTION_MAX_LIST_NESTING = 3;

/** The size assumed for a list field without a `first` argument (our connections default to 20). */
const DEFAULT_LIST_SIZE = 20;
/** The largest `first` any list accepts, used when `first` is a variable. */
const MAX_LIST_SIZE = 100;

interface Measure {
  depth: number;
  aliases: number;
  fields: number;
  cost: number;
}

interface IntrospectionShape {
  aliases: number;
  /** The deepest chain of list fields (`types { fields { args } }` is 3). */
  listNesting: number;
}

export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const measured = new Map<string, Measure>();
    const inProgress = new Set<string>();

    const measureSelections = (selectionSet: SelectionSetNode, parent: GraphQLOutputType | null, sizeHint?: number): Measure => {
      const total: Measure = { depth: 0, aliases: 0, fields: 0, cost: 0 };
      const add = (part: Measure) => {
        total.depth = Math.max(total.depth, part.depth);
        total.aliases += part.aliases;
        total.fields += part.fields;
        total.cost += part.cost;
      };
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) add(measureField(selection, parent, sizeHint));
        else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const typeName = selection.typeCondition?.name.value;
          const type = (typeName && context.getSchema().getType(typeName)) || parent;
          add(measureSelections(selection.selectionSet, type as GraphQLOutputType | null, sizeHint));
        } else {
          add(measureFragment(selection.name.value, sizeHint));
        }
      }
      return total;
    };

    // A fragment spread under `payments(first: 100)` sizes its `edges` by 100, as inline it would:
    // its measure depends on the list size it is spread under, so that size is part of the memo key.
    const measureFragment = (name: string, sizeHint: number | undefined): Measure => {
      const memoKey = `${name}@${sizeHint ?? ''}`;
      const known = measured.get(memoKey);
      if (known) return known;
      const fragment = fragments.get(name);
      if (!fragment || inProgress.has(name)) return { depth: 0, aliases: 0, fields: 0, cost: 0 };
      inProgress.add(name);
      const type = context.getSchema().getType(fragment.typeCondition.name.value) as GraphQLOutputType | undefined;
      const result = measureSelections(fragment.selectionSet, type ?? null, sizeHint);
      inProgress.delete(name);
      measured.set(memoKey, result);
      return result;
    };

    const measureField = (field: FieldNode, parent: GraphQLOutputType | null, sizeHint: number | undefined): Measure => {
      if (field.name.value === '__schema' || field.name.value === '__type') return measureIntrospection(field);
      const definition = fieldsOf(parent)?.[field.name.value];
      const own = { aliases: field.alias ? 1 : 0, fields: 1 };
      if (!field.selectionSet) return { depth: 1, ...own, cost: 1 };
      const isList = definition ? isListType(getNullableType(definition.type)) : false;
      const first = firstArgument(field);
      // A list is as long as the `first` above it asked for; a non-list passes that size down.
      const multiplier = isList ? (first ?? sizeHint ?? DEFAULT_LIST_SIZE) : 1;
      const child = measureSelections(field.selectionSet, definition ? definition.type : null, isList ? undefined : (first ?? sizeHint));
      return {
        depth: child.depth + 1,
        aliases: own.aliases + child.aliases,
        fields: own.fields + child.fields,
        cost: 1 + multiplier * child.cost,
      };
    };

    /** See INTROSPECTION_COST: a fixed cost, aliases counted, list nesting bounded instead of depth. */
    const measureIntrospection = (field: FieldNode): Measure => {
      const ownType = context.getSchema().getType(field.name.value === '__schema' ? '__Schema' : '__Type') as GraphQLOutputType;
      const inside = field.selectionSet ? introspectionShape(field.selectionSet, ownType) : { aliases: 0, listNesting: 0 };
      if (inside.listNesting > INTROSPECTION_MAX_LIST_NESTING) {
        context.reportError(
          new GraphQLError(`Introspection lists nested ${inside.listNesting} deep exceed the limit of ${INTROSPECTION_MAX_LIST_NESTING}`, { nodes: [field] }),
        );
      }
      return { depth: 1, aliases: (field.alias ? 1 : 0) + inside.aliases, fields: 1, cost: INTROSPECTION_COST };
    };

    // Named fragments inside introspection are measured once per type, like measureFragment.
    const introspectionFragments = new Map<string, IntrospectionShape>();
    const introspectionShape = (selectionSet: SelectionSetNode, parent: GraphQLOutputType | null): IntrospectionShape => {
      const total: IntrospectionShape = { aliases: 0, listNesting: 0 };
      const add = (part: IntrospectionShape, ownList = 0) => {
        total.aliases += part.aliases;
        total.listNesting = Math.max(total.listNesting, part.listNesting + ownList);
      };
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.INLINE_FRAGMENT) add(introspectionShape(selection.selectionSet, parent));
        else if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const name = selection.name.value;
          const memoKey = `${name}@${parent ? getNamedType(parent).name : ''}`;
          const fragment = fragments.get(name);
          if (!introspectionFragments.has(memoKey) && fragment && !inProgress.has(name)) {
            inProgress.add(name);
            introspectionFragments.set(memoKey, introspectionShape(fragment.selectionSet, parent));
            inProgress.delete(name);
          }
          add(introspectionFragments.get(memoKey) ?? { aliases: 0, listNesting: 0 });
        } else {
          const definition = fieldsOf(parent)?.[selection.name.value];
          add({ aliases: selection.alias ? 1 : 0, listNesting: 0 });
          if (!definition || !selection.selectionSet) continue;
          add(introspectionShape(selection.selectionSet, definition.type), isListType(getNullableType(definition.type)) ? 1 : 0);
        }
      }
      return total;
    };

    return {
      OperationDefinition(operation) {
        const root =
          operation.operation === 'query'
            ? context.getSchema().getQueryType()
            : operation.operation === 'mutation'
              ? context.getSchema().getMutationType()
              : context.getSchema().getSubscriptionType();
        const m = measureSelections(operation.selectionSet, root ?? null);
        const over: [string, number, number][] = [
          ['depth', m.depth, limits.maxDepth],
          ['aliases', m.aliases, limits.maxAliases],
          ['fields', m.fields, limits.maxFields],
          ['cost', m.cost, limits.maxCost],
        ];
        for (const [what, value, limit] of over) {
          if (value > limit) {
            context.reportError(new GraphQLError(`Query ${what} ${value} exceeds the limit of ${limit}`, { nodes: [operation] }));
            return; // one clear reason is enough; the document is refused either way
          }
        }
      },
    };
  };
}

function fieldsOf(type: GraphQLOutputType | null): GraphQLFieldMap<unknown, unknown> | null {
  if (!type) return null;
  const named = getNamedType(type);
  return isObjectType(named) || isInterfaceType(named) ? named.getFields() : null;
}

/**
 * The page size asked for, `first` or `last` (a connection pages either way): its value when
 * literal, the largest allowed when a variable; the larger when both are given (refused later anyway).
 */
function firstArgument(field: FieldNode): number | undefined {
  const sizes = (field.arguments ?? [])
    .filter((argument) => argument.name.value === 'first' || argument.name.value === 'last')
    .map((argument) => (argument.value.kind === Kind.INT ? Math.min(Math.max(Number(argument.value.value), 1), MAX_LIST_SIZE) : MAX_LIST_SIZE));
  return sizes.length ? Math.max(...sizes) : undefined;
}
