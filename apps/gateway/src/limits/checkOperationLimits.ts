import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

export interface OperationLimits {
  /** Deepest field nesting allowed (a root field is depth 1). */
  maxDepth: number;
  /** Aliased fields allowed in one operation (aliases are how one request multiplies work). */
  maxAliases: number;
  /** Estimated cost allowed: every field costs 1, times the `first`/`last` of every list around it. */
  maxCost: number;
}

export const defaultOperationLimits: OperationLimits = { maxDepth: 12, maxAliases: 30, maxCost: 50_000 };

export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
}

/** Page sizes assumed for a list argument given by a variable that the request leaves unset. */
const assumedPageSize = 100;

function pageSize(value: ValueNode | undefined, variables: Record<string, unknown>): number | null {
  if (!value) return null;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return typeof given === 'number' ? given : assumedPageSize;
  }
  return null;
}

/** Depth, alias count and cost of the chosen operation, fragments expanded (a fragment cycle counts once). */
export function measureOperation(
  document: DocumentNode,
  operationName?: string | null,
  variables: Record<string, unknown> = {},
): OperationMeasure | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  let depth = 0;
  let aliases = 0;
  let cost = 0;
  const walk = (set: SelectionSetNode, level: number, multiplier: number, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        if (selection.alias) aliases++;
        depth = Math.max(depth, level);
        cost += multiplier;
        const args = selection.arguments ?? [];
        const size =
          pageSize(args.find((a) => a.name.value === 'first')?.value, variables) ??
          pageSize(args.find((a) => a.name.value === 'last')?.value, variables);
        if (selection.selectionSet) walk(selection.selectionSet, level + 1, multiplier * Math.max(1, size ?? 1), seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, level, multiplier, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !seen.has(name)) walk(fragment.selectionSet, level, multiplier, new Set([...seen, name]));
      }
    }
  };
  walk(operation.selectionSet, 1, 1, new Set());
  return { depth, aliases, cost };
}

/** The first limit the operation exceeds, as a GraphQL error naming the limit and both figures; null when within. */
export function checkOperationLimits(
  document: DocumentNode,
  limits: OperationLimits,
  operationName?: string | null,
  variables: Record<string, unknown> = {},
): GraphQLError | null {
  const measure = measureOperation(document, operationName, variables);
  if (!measure) return null;
  const exceeded = (limit: string, actual: number, max: number, what: string) =>
    new GraphQLError(`${what} ${actual} exceeds the limit of ${max}`, {
      extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, actual, max, http: { status: 400 } },
    });
  if (measure.depth > limits.maxDepth) return exceeded('depth', measure.depth, limits.maxDepth, 'query depth');
  if (measure.aliases > limits.maxAliases)
    return exceeded('aliases', measure.aliases, limits.maxAliases, 'number of aliases');
  if (measure.cost > limits.maxCost) return exceeded('cost', measure.cost, limits.maxCost, 'estimated cost');
  return null;
}
