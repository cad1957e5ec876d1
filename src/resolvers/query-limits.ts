/**
 * Limits on what one GraphQL document may ask, checked during validation, before anything executes
 * (Apollo has none of its own; OWASP's GraphQL cheat sheet lists the attacks). One walk over the
 * operation measures:
 * - depth: the longest chain of nested selections;
 * - aliases: fields renamed with `alias:` (the trick behind alias batching);
 * - fields: every field selection, fragments included as often as they are spread;
 * - cost: every field costs 1, multiplied by the size of each list above it: the `first` of the field
 *   that asked for it (a connection's `first` or `last` sizes its `edges`), else 20; 100 when a variable.
 * Fragments are measured once each and reused, so a document of nested fragment spreads cannot make
 * the check itself expensive; a fragment cycle is refused by GraphQL's own rules, and skipped here.
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
          add(measureFragment(selection.name.value));
        }
      }
      return total;
    };

    const measureFragment = (name: string): Measure => {
      const known = measured.get(name);
      if (known) return known;
      const fragment = fragments.get(name);
      if (!fragment || inProgress.has(name)) return { depth: 0, aliases: 0, fields: 0, cost: 0 };
      inProgress.add(name);
      const type = context.getSchema().getType(fragment.typeCondition.name.value) as GraphQLOutputType | undefined;
      const result = measureSelections(fragment.selectionSet, type ?? null);
      inProgress.delete(name);
      measured.set(name, result);
      return result;
    };

    const measureField = (field: FieldNode, parent: GraphQLOutputType | null, sizeHint: number | undefined): Measure => {
      // Introspection (__schema, __type) has a fixed, deep shape that GraphiQL and code generators need
      // whole; it reads only the schema, and production turns it off altogether.
      if (field.name.value.startsWith('__')) return { depth: 0, aliases: 0, fields: 0, cost: 0 };
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
