/**
 * A list page reads only the columns its selection needs. plugin-prisma's queryFromInfo (the
 * objects are in include mode) gives a connection's findMany the relations to load but every
 * scalar column of every row: for a `nodes` page of 50 that is ~50 columns a row, JSON and
 * arrays parsed and dates built for fields nobody asked for (measured: a third of the API's CPU
 * per request). `omitUnselected` names the columns no selected field reads, for Prisma's `omit`.
 *
 * Which columns a field reads comes from the field itself (the extensions plugin-prisma records):
 * an exposed column (`t.exposeX`), or a field's declared `select` (the same declaration select
 * mode relies on). A selected field that declares neither (a plain resolver reading the row) makes
 * the whole row load: no guess. The selection is read from the query's syntax, over-approximated:
 * every field named below `edges { node }` or `nodes`, through fragments, whatever their type
 * condition or @skip/@include says. More columns than needed is only slower; fewer is never
 * possible.
 */
import type { FieldNode, FragmentDefinitionNode, GraphQLObjectType, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { getDatamodel } from '@hangar/db/generated/pothos-types';

interface ModelColumns {
  /** Scalar and enum columns. */
  scalars: Set<string>;
  /** Columns never omitted: the id and the foreign keys (relations are loaded through them). */
  kept: Set<string>;
}

const datamodel = getDatamodel().datamodel.models;
const modelColumns = new Map<string, ModelColumns>();

function columnsOf(model: string): ModelColumns {
  let columns = modelColumns.get(model);
  if (!columns) {
    const fields = datamodel[model]?.fields ?? [];
    columns = {
      scalars: new Set(fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum').map((field) => field.name)),
      kept: new Set(fields.flatMap((field) => (field.isId ? [field.name] : field.relationFromFields ?? []))),
    };
    modelColumns.set(model, columns);
  }
  return columns;
}

/** The columns a field of a prismaObject reads, from plugin-prisma's extensions; null when it does not say. */
function columnsReadBy(type: GraphQLObjectType, fieldName: string, scalars: Set<string>): string[] | null {
  if (fieldName === '__typename') return [];
  const field = type.getFields()[fieldName];
  // Not a field of this type: it is never executed on its rows (a fragment on another type).
  if (!field) return [];
  const extensions = field.extensions as { pothosPrismaVariant?: unknown; pothosPrismaSelect?: unknown; pothosPrismaRelationField?: unknown };
  if (typeof extensions.pothosPrismaVariant === 'string' && scalars.has(extensions.pothosPrismaVariant)) return [extensions.pothosPrismaVariant];
  // A relation is loaded by the query itself (queryFromInfo's include), through a kept key.
  if (extensions.pothosPrismaRelationField) return [];
  const select = extensions.pothosPrismaSelect;
  if (select && typeof select === 'object') return Object.keys(select).filter((key) => scalars.has(key));
  return null;
}

/** Every field name selected directly in `selectionSet` (through fragments, over-approximated). */
function selectedFields(selectionSet: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, into: FieldNode[] = [], seen = new Set<string>()): FieldNode[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === 'Field') into.push(selection);
    else if (selection.kind === 'InlineFragment') selectedFields(selection.selectionSet, fragments, into, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      selectedFields(fragments[selection.name.value]?.selectionSet, fragments, into, seen);
    }
  }
  return into;
}

/**
 * Prisma's `omit` for the rows of a connection field (`info` is the connection's) over `model`
 * shown as GraphQL type `typeName`: every column no field selected below `edges { node }` or
 * `nodes` reads. Undefined (load every column) when a selected field does not declare what it
 * reads, or when `query` selects (an omit may not go with a select).
 */
export function omitUnselected(info: GraphQLResolveInfo, model: string, typeName: string, query: object): Record<string, true> | undefined {
  if ('select' in query) return undefined;
  const type = info.schema.getType(typeName) as GraphQLObjectType | undefined;
  if (!type) return undefined;
  const { scalars, kept } = columnsOf(model);
  const rowSelections: FieldNode[] = [];
  for (const connectionField of info.fieldNodes) {
    for (const field of selectedFields(connectionField.selectionSet, info.fragments)) {
      if (field.name.value === 'nodes') rowSelections.push(field);
      if (field.name.value === 'edges') rowSelections.push(...selectedFields(field.selectionSet, info.fragments).filter((edgeField) => edgeField.name.value === 'node'));
    }
  }
  const needed = new Set(kept);
  for (const row of rowSelections) {
    for (const field of selectedFields(row.selectionSet, info.fragments)) {
      const columns = columnsReadBy(type, field.name.value, scalars);
      if (columns === null) return undefined;
      for (const column of columns) needed.add(column);
    }
  }
  const omit: Record<string, true> = {};
  for (const column of scalars) if (!needed.has(column)) omit[column] = true;
  return omit;
}
