import { createRequire } from 'node:module';
import type {
  ASTVisitor,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLOutputType,
  SelectionSetNode,
  ValidationContext,
} from 'graphql';

// mercurius loads graphql-js through require; this rule must use that same copy, since graphql-js
// tells types apart with instanceof (an ESM copy's GraphQLObjectType is another class)
const { GraphQLError, getNamedType, getNullableType, isListType, isObjectType, valueFromAST } = createRequire(import.meta.url)(
  'graphql',
) as typeof import('graphql');

// What one GraphQL request may ask of the shop. Depth is mercurius's own `queryDepth`. The cost
// cap is a validation rule written here: the well-kept libraries for it (graphql-query-complexity,
// graphql-cost-analysis) are not installed, and the shop's rule is one idea — every field costs 1,
// a list multiplies what is selected under it by the items it can return (its `limit` argument,
// else an estimate per field) — that fits in this file.

/** Deepest selection allowed (`{ products { items { category { name } } } }` is 4). */
export const MAX_QUERY_DEPTH = 6;

/** Most fields one request may resolve, counted as below; `products(limit: 100)` with 10 fields is ≈ 1000. */
export const MAX_QUERY_COST = 2000;

/** Items a list field is assumed to return when no `limit` argument says: a cart's or order's lines. */
const DEFAULT_LIST_SIZE = 20;

/** A list field's item count: its `limit` argument, else the field's default, else DEFAULT_LIST_SIZE. */
function listSize(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown> | undefined): number {
  const limitArg = field.args.find((arg) => arg.name === 'limit');
  if (limitArg) {
    const given = node.arguments?.find((arg) => arg.name.value === 'limit');
    const value = given ? valueFromAST(given.value, limitArg.type, variables) : limitArg.defaultValue;
    if (typeof value === 'number' && value > 0) return value;
  }
  return DEFAULT_LIST_SIZE;
}

/**
 * The cost of a selection set on `type`: each field 1 plus its own selection's cost, times the
 * list size for list fields (a page object whose `limit` sizes its `items` list passes it on).
 */
function selectionCost(
  context: ValidationContext,
  selectionSet: SelectionSetNode | undefined,
  type: GraphQLOutputType,
  multiplier: number,
  variables: Record<string, unknown> | undefined,
  seenFragments: Set<string>,
  /** Under a paged field: its `limit` already counts the list here (`items`). */
  paged = false,
): number {
  if (!selectionSet) return 0;
  const named = getNamedType(type);
  if (!isObjectType(named)) return 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === 'Field') {
      const field = named.getFields()[selection.name.value];
      if (!field) continue; // the spec's own rules report unknown fields
      const isList = isListType(getNullableType(field.type));
      // a paged field (`products(limit)`) sizes the list one level down (`items`), once
      const isPage = !isList && field.args.some((arg) => arg.name === 'limit');
      const size = isPage || (isList && !paged) ? listSize(field, selection, variables) : 1;
      cost += 1 + selectionCost(context, selection.selectionSet, field.type, size, variables, seenFragments, isPage);
    } else if (selection.kind === 'InlineFragment') {
      cost += selectionCost(context, selection.selectionSet, type, 1, variables, seenFragments, paged);
    } else {
      const name = selection.name.value;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      // a fragment that spreads itself is the spec's NoFragmentCycles error; count it once here
      if (!fragment || seenFragments.has(name)) continue;
      cost += selectionCost(context, fragment.selectionSet, type, 1, variables, new Set([...seenFragments, name]), paged);
    }
  }
  return cost * multiplier;
}

/** A validation rule: an operation whose cost is over `maxCost` is refused before it runs. */
export function costLimitRule(maxCost: number, variables?: Record<string, unknown>) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const root = node.operation === 'query' ? context.getSchema().getQueryType() : context.getSchema().getMutationType();
      if (!root) return;
      const cost = selectionCost(context, node.selectionSet, root, 1, variables, new Set());
      if (cost > maxCost) {
        const name = node.name ? `operation "${node.name.value}"` : 'the operation';
        context.reportError(
          new GraphQLError(
            `${name} costs ${cost}, over the limit of ${maxCost} (fields × list sizes; ask for fewer fields or a smaller limit)`,
            {
              nodes: [node],
              extensions: { code: 'query_too_costly', cost, maxCost },
            },
          ),
        );
      }
    },
  });
}
