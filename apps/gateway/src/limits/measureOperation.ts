import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type ValueNode,
} from 'graphql';
import { addCost, type CostExpression, constantCost, type ListSize, timesSize, zeroCost } from './costExpression.ts';

/** What measuring a document needs to know about the schema it runs against. */
export interface CostModel {
  schema: GraphQLSchema;
  /** Size assumed for a list the request gives no bound for (a list without `first`/`last`, or with them unset). */
  assumedListSize: number;
  /** Sizes of introspection's lists, keyed `Type.field` (see introspectionListSizes). */
  introspectionListSizes: Record<string, number>;
}

/** One operation's measure: depth and aliases are fixed; cost depends on the request's variables. */
export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: CostExpression;
}

/** Arguments that bound the size of the list a field returns (or of the connection's edges under it). */
const slicingArguments = ['first', 'last'];

interface Measure {
  depth: number;
  aliases: number;
  cost: CostExpression;
}

const nothing = (): Measure => ({ depth: 0, aliases: 0, cost: zeroCost() });

function fieldDefinition(parent: GraphQLNamedType | undefined, name: string, schema: GraphQLSchema) {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

function sizeKey(size: ListSize | null): string {
  if (!size) return '';
  return 'fixed' in size ? `=${size.fixed}` : `$${size.variable}:${size.fallback}`;
}

/**
 * Measures every operation of a document against the schema: depth (introspection's own nesting, such as `ofType`
 * chains, not counted), aliases (all of them, introspection included), and cost. Every field costs 1, and every
 * field under a list costs once per item: a list is as long as its `first`/`last` (a connection's bound applies to
 * its edges), else as long as the assumed list size, and introspection's lists as long as the schema makes them.
 * Fragments are measured once per use context, so a document that spreads fragments exponentially is measured in
 * linear time (and refused by its cost). A fragment cycle counts once.
 */
export function measureDocument(document: DocumentNode, model: CostModel): Map<string | null, OperationMeasure> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const measures = new Map<string | null, OperationMeasure>();
  for (const operation of operations) {
    const measure = measureOperationDefinition(operation, fragments, model);
    measures.set(operation.name?.value ?? null, measure);
  }
  return measures;
}

function measureOperationDefinition(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  model: CostModel,
): Measure {
  const { schema, assumedListSize } = model;
  const variableDefaults = new Map<string, number>();
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.INT) variableDefaults.set(definition.variable.name.value, Number(value.value));
  }
  const memo = new Map<string, Measure>();

  const argumentSize = (value: ValueNode, fallback: number): ListSize | null => {
    if (value.kind === Kind.INT) return { fixed: Math.max(1, Number(value.value)) };
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      return { variable: name, fallback: variableDefaults.get(name) ?? fallback };
    }
    if (value.kind === Kind.NULL) return { fixed: fallback };
    return null;
  };

  /** The bound a field's slicing argument puts on its list, or its declared default; null when it has none. */
  const slicedSize = (field: GraphQLField<unknown, unknown> | undefined, given: readonly ArgumentNode[]) => {
    for (const name of slicingArguments) {
      const declared = field?.args.find((a) => a.name === name);
      const fallback = typeof declared?.defaultValue === 'number' ? declared.defaultValue : assumedListSize;
      const argument = given.find((a) => a.name.value === name);
      if (argument) return argumentSize(argument.value, fallback);
      if (declared && typeof declared.defaultValue === 'number') return { fixed: declared.defaultValue };
    }
    return null;
  };

  const walk = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    connectionBound: ListSize | null,
    visiting: ReadonlySet<string>,
  ): Measure => {
    let depth = 0;
    let aliases = 0;
    let cost = zeroCost();
    for (const selection of set.selections) {
      let part: Measure;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field = fieldDefinition(parent, name, schema);
        const introspective = name === '__schema' || name === '__type' || (parent?.name.startsWith('__') ?? false);
        const isList = field ? isListType(getNullableType(field.type)) : false;
        const sliced = slicedSize(field as GraphQLField<unknown, unknown> | undefined, selection.arguments ?? []);
        const introspectionSize = parent ? model.introspectionListSizes[`${parent.name}.${name}`] : undefined;
        const listSize: ListSize | null = isList
          ? (sliced ??
            connectionBound ??
            (introspectionSize === undefined ? { fixed: assumedListSize } : { fixed: introspectionSize }))
          : null;
        const child = selection.selectionSet
          ? walk(selection.selectionSet, field ? getNamedType(field.type) : undefined, isList ? null : sliced, visiting)
          : nothing();
        part = {
          depth: (introspective ? 0 : 1) + child.depth,
          aliases: (selection.alias ? 1 : 0) + child.aliases,
          cost: addCost(constantCost(1), listSize ? timesSize(listSize, child.cost) : child.cost),
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        part = walk(selection.selectionSet, type ?? undefined, connectionBound, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        const key = `${name}\u0000${sizeKey(connectionBound)}`;
        let known = memo.get(key);
        if (!known) {
          const type = schema.getType(fragment.typeCondition.name.value) ?? undefined;
          known = walk(fragment.selectionSet, type, connectionBound, new Set([...visiting, name]));
          memo.set(key, known);
        }
        part = known;
      }
      depth = Math.max(depth, part.depth);
      aliases += part.aliases;
      cost = addCost(cost, part.cost);
    }
    return { depth, aliases, cost };
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  return walk(operation.selectionSet, root ?? undefined, null, new Set());
}
