import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printContract, SCHEMA_FILE } from '../src/schema/print.ts';
import { schema } from '../src/schema/index.ts';

describe('the public contract', () => {
  it('schema.graphql is the printed schema (run `npm run schema:print` when this fails)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printContract());
  });

  // docs/contract-sketch.graphql holds the binding names of the public API (copied from the
  // design). Every type, field, argument and enum value it names must exist, typed the same.
  const sketch = buildSchema(readFileSync(new URL('../../../docs/contract-sketch.graphql', import.meta.url), 'utf8'));
  const sketchTypes = Object.values(sketch.getTypeMap()).filter((type) => !type.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name));

  it.each(sketchTypes.map((type) => [type.name, type] as [string, GraphQLNamedType]))('keeps %s as sketched', (name, expected) => {
    const actual = schema.getType(name);
    if (!actual) expect.fail(`type ${name} is missing`);
    if (isScalarType(expected)) {
      expect(isScalarType(actual)).toBe(true);
      return;
    }
    if (isEnumType(expected)) {
      expect(isEnumType(actual)).toBe(true);
      const values = isEnumType(actual) ? actual.getValues().map((value) => value.name) : [];
      expect(values).toEqual(expect.arrayContaining(expected.getValues().map((value) => value.name)));
      return;
    }
    if (isUnionType(expected)) {
      // A result union: the payload and every sketched error type (more may be added).
      expect(isUnionType(actual)).toBe(true);
      const members = isUnionType(actual) ? actual.getTypes().map((type) => type.name) : [];
      expect(members).toEqual(expect.arrayContaining(expected.getTypes().map((type) => type.name)));
      return;
    }
    if (isObjectType(expected) || isInterfaceType(expected)) {
      const interfaces = isObjectType(actual) || isInterfaceType(actual) ? actual.getInterfaces().map((type) => type.name) : [];
      expect(interfaces, `${name} implements`).toEqual(expect.arrayContaining(expected.getInterfaces().map((type) => type.name)));
      expect(isInputObjectType(actual), `${name} is an output type`).toBe(false);
    }
    if (isObjectType(expected) || isInterfaceType(expected) || isInputObjectType(expected)) {
      const actualFields = (isObjectType(actual) || isInterfaceType(actual) || isInputObjectType(actual)) ? actual.getFields() : {};
      for (const [fieldName, field] of Object.entries(expected.getFields())) {
        const actualField = actualFields[fieldName];
        expect(actualField, `${name}.${fieldName}`).toBeDefined();
        expect(String(actualField?.type), `${name}.${fieldName} type`).toBe(String(field.type));
        if ('args' in field) {
          for (const arg of field.args) {
            const actualArg = actualField && 'args' in actualField ? actualField.args.find((a) => a.name === arg.name) : undefined;
            expect(String(actualArg?.type), `${name}.${fieldName}(${arg.name})`).toBe(String(arg.type));
          }
        }
      }
    }
  });
});
