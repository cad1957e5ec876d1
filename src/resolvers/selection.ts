/** What a query asks of a field, read from its selection set before any resolver runs. */
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';

/** True when the field being resolved selects `name` directly or through fragments. */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
      const fragment = info.fragments[selection.name.value];
      return fragment !== undefined && visit(fragment.selectionSet.selections);
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && visit(node.selectionSet.selections));
}
