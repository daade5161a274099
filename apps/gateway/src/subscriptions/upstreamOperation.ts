import { type FieldNode, Kind, type OperationDefinitionNode, parse, print, visit } from 'graphql';
import type { SubscriptionPlan } from './prepareOperation.ts';

/** What the gateway sends a subgraph for a plan, and where it finds each event's cursor in the answers. */
export interface UpstreamOperation {
  query: string;
  operationName: string | undefined;
  /** Variables of the client's operation the upstream one uses. */
  variableNames: readonly string[];
  /** The variable carrying the resume point (resumable plans only). */
  afterVariable?: string;
  /** Path of the cursor in every event's data (resumable plans only). */
  cursorPath?: readonly [string, string];
}

// Selected under this alias whether or not the client asked for `cursor`, so every event has one.
const cursorAlias = 'bstResumeCursor';

const operations = new WeakMap<SubscriptionPlan, UpstreamOperation>();

function unusedName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

/**
 * The plan's primary fetch; for a resumable field with `after: $…` on the root field (the gateway's resume point, null
 * from now) and the cursor selected under an alias of its own.
 */
export function upstreamOperation(plan: SubscriptionPlan): UpstreamOperation {
  const known = operations.get(plan);
  if (known) return known;
  const variableNames = plan.primary.variableUsages ?? [];
  let result: UpstreamOperation = {
    query: plan.primary.operation,
    operationName: plan.primary.operationName,
    variableNames,
  };
  if (plan.resume) {
    const afterVariable = unusedName('bstResumeAfter', new Set(variableNames));
    let responseKey: string | undefined;
    const document = visit(parse(plan.primary.operation), {
      OperationDefinition: (operation: OperationDefinitionNode) => {
        const [root, ...others] = operation.selectionSet.selections;
        if (root?.kind !== Kind.FIELD || others.length > 0) return undefined;
        responseKey = root.alias?.value ?? root.name.value;
        const field: FieldNode = {
          ...root,
          arguments: [
            ...(root.arguments ?? []).filter((a) => a.name.value !== 'after'),
            {
              kind: Kind.ARGUMENT,
              name: { kind: Kind.NAME, value: 'after' },
              value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: afterVariable } },
            },
          ],
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [
              ...(root.selectionSet?.selections ?? []),
              {
                kind: Kind.FIELD,
                alias: { kind: Kind.NAME, value: cursorAlias },
                name: { kind: Kind.NAME, value: 'cursor' },
              },
            ],
          },
        };
        return {
          ...operation,
          variableDefinitions: [
            ...(operation.variableDefinitions ?? []),
            {
              kind: Kind.VARIABLE_DEFINITION,
              variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: afterVariable } },
              type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
            },
          ],
          selectionSet: { ...operation.selectionSet, selections: [field] },
        };
      },
    });
    if (responseKey) {
      result = { ...result, query: print(document), afterVariable, cursorPath: [responseKey, cursorAlias] };
    }
  }
  operations.set(plan, result);
  return result;
}

/** The cursor of one upstream event, when the plan is resumable and the event carries one. */
export function eventCursor(operation: UpstreamOperation, data: Record<string, unknown> | null | undefined) {
  if (!operation.cursorPath || !data) return undefined;
  const [field, alias] = operation.cursorPath;
  const cursor = (data[field] as Record<string, unknown> | null | undefined)?.[alias];
  return typeof cursor === 'string' ? cursor : undefined;
}
