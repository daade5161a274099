import { type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType } from 'graphql';

/**
 * What introspection's lists hold in this schema, on average per parent, so that `__schema { types { fields ... } }`
 * is measured at about what it returns (types × fields per type is the schema's field count). Keyed `Type.field`.
 */
export function introspectionListSizes(schema: GraphQLSchema): Record<string, number> {
  const types = Object.values(schema.getTypeMap());
  let fields = 0;
  let args = 0;
  let inputFields = 0;
  let enumValues = 0;
  let interfaces = 0;
  let possibleTypes = 0;
  for (const type of types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const own = Object.values(type.getFields());
      fields += own.length;
      for (const field of own) args += field.args.length;
      interfaces += type.getInterfaces().length;
    }
    if (isInterfaceType(type) || isUnionType(type)) possibleTypes += schema.getPossibleTypes(type).length;
    if (isInputObjectType(type)) inputFields += Object.keys(type.getFields()).length;
    if (isEnumType(type)) enumValues += type.getValues().length;
  }
  const directives = schema.getDirectives();
  const directiveArgs = directives.reduce((n, d) => n + d.args.length, 0);
  const mean = (total: number, over: number) => Math.max(1, Math.ceil(total / Math.max(1, over)));
  return {
    '__Schema.types': types.length,
    '__Schema.directives': directives.length,
    '__Type.fields': mean(fields, types.length),
    '__Type.interfaces': mean(interfaces, types.length),
    '__Type.possibleTypes': mean(possibleTypes, types.length),
    '__Type.enumValues': mean(enumValues, types.length),
    '__Type.inputFields': mean(inputFields, types.length),
    '__Field.args': mean(args, fields),
    '__Directive.args': mean(directiveArgs, directives.length),
  };
}
