import {
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  GraphQLString,
  getNamedType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  visit,
} from 'graphql';

/**
 * The convention that makes a subscription field resumable, for any subgraph: an `after: String` argument and a
 * `cursor: String` field on what it streams. The gateway then owns `after` (a client's resume point, never part of
 * what clients share) and reads every event's cursor (SSE ids, resuming its own upstream).
 */
export interface ResumableStream {
  /** The root field's name in the schema. */
  fieldName: string;
  /** Where the client asked to resume; null: from now. */
  after: string | null;
}

export type ResumeExtraction =
  | {
      kind: 'resumable';
      document: DocumentNode;
      operation: OperationDefinitionNode;
      variables: Record<string, unknown>;
      stream: ResumableStream;
    }
  | { kind: 'plain' }
  | { kind: 'invalid'; error: GraphQLError };

function rootField(operation: OperationDefinitionNode): FieldNode | undefined {
  const fields = operation.selectionSet.selections.filter(
    (s): s is FieldNode => s.kind === Kind.FIELD && !s.name.value.startsWith('__'),
  );
  return fields.length === 1 ? fields[0] : undefined;
}

export function isResumableField(schema: GraphQLSchema, fieldName: string): boolean {
  const field = schema.getSubscriptionType()?.getFields()[fieldName];
  const after = field?.args.find((arg) => arg.name === 'after');
  if (!field || !after || after.type !== GraphQLString) return false;
  const streamed = getNamedType(field.type);
  const cursor = isObjectType(streamed) ? streamed.getFields().cursor : undefined;
  return cursor !== undefined && getNamedType(cursor.type) === GraphQLString;
}

function afterValue(
  argument: ArgumentNode | undefined,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): unknown {
  const value = argument?.value;
  if (!value || value.kind === Kind.NULL) return null;
  if (value.kind === Kind.STRING) return value.value;
  if (value.kind !== Kind.VARIABLE) return undefined;
  const name = value.name.value;
  if (name in variables) return variables[name] ?? null;
  const fallback = operation.variableDefinitions?.find((d) => d.variable.name.value === name)?.defaultValue;
  return fallback?.kind === Kind.STRING ? fallback.value : null;
}

/**
 * Takes `after` out of a (validated) subscription on a resumable field: the document and variables left are what
 * clients with the same subscription share, whatever their resume points; a variable used only by `after` goes too.
 */
export function extractResumePoint(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): ResumeExtraction {
  const field = rootField(operation);
  if (!field || !isResumableField(schema, field.name.value)) return { kind: 'plain' };
  const argument = field.arguments?.find((a) => a.name.value === 'after');
  const after = afterValue(argument, operation, variables);
  if (after !== null && typeof after !== 'string') {
    return {
      kind: 'invalid',
      error: new GraphQLError('`after` must be a cursor (a string) from an earlier event', {
        extensions: { code: 'BAD_USER_INPUT', field: 'after' },
      }),
    };
  }
  const variable = argument?.value.kind === Kind.VARIABLE ? argument.value.name.value : undefined;
  let stripped = visit(document, {
    Argument: (node) => (node === argument ? null : undefined),
  });
  let remaining = variables;
  if (variable) {
    let stillUsed = false;
    visit(stripped, {
      Variable: (node, _key, parent) => {
        if (
          node.name.value === variable &&
          (parent as { kind?: string } | undefined)?.kind !== Kind.VARIABLE_DEFINITION
        ) {
          stillUsed = true;
        }
      },
    });
    if (!stillUsed) {
      stripped = visit(stripped, {
        VariableDefinition: (node) => (node.variable.name.value === variable ? null : undefined),
      });
      remaining = { ...variables };
      delete remaining[variable];
    }
  }
  const strippedOperation = stripped.definitions[document.definitions.indexOf(operation)];
  if (strippedOperation?.kind !== Kind.OPERATION_DEFINITION) return { kind: 'plain' };
  return {
    kind: 'resumable',
    document: stripped,
    operation: strippedOperation,
    variables: remaining,
    stream: { fieldName: field.name.value, after },
  };
}
