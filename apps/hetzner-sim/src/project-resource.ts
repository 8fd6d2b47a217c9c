import { type ApiRequest, type ApiRoute, listReply } from './context.ts';
import { invalidInput, notFound, uniquenessError } from './errors.ts';
import { compileLabelSelector } from './label-selector.ts';
import { type Labels, readLabels } from './labels.ts';
import { paginate } from './pagination.ts';
import { type SortFields, sortItems } from './sorting.ts';
import { type IdCounters, type SimState, nextId } from './state.ts';
import { FieldErrors, isRecord, parseId } from './validate.ts';

/**
 * What SSH keys, networks, firewalls and placement groups share: a name unique per project (at
 * most 128 characters), labels, list (name, label_selector, sort, paging), get, update (name,
 * labels) and delete; networks, firewalls and placement groups also share the shape of create.
 * What is a kind's own (its fields and their checks, its JSON, an error the spec gives only that
 * kind) stays in its routes/ module, handed over through ResourceKind and ResourceCreation.
 */

export const MAX_RESOURCE_NAME_LENGTH = 128;

export interface NamedResource {
  readonly id: number;
  readonly projectId: number;
  name: string;
  labels: Labels;
  readonly createdMs: number;
}

/** Reads a required `name`, recording a field error when it is missing or too long. */
export function readResourceName(value: unknown, errors: FieldErrors): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    errors.add('name', 'is required and must be a non-empty string');
    return null;
  }
  if (value.length > MAX_RESOURCE_NAME_LENGTH) errors.add('name', `is longer than ${MAX_RESOURCE_NAME_LENGTH} characters`);
  return value;
}

export interface ResourceKind<T extends NamedResource> {
  /** Path segment and list key, e.g. `networks`. */
  readonly plural: string;
  /** Single-resource key, e.g. `network`. */
  readonly singular: string;
  /** For messages, e.g. `Network`. */
  readonly title: string;
  readonly store: Map<number, T>;
  /** The list's sort fields as the spec names them; without it id, name and created. */
  readonly sortFields?: SortFields<T>;
  render(item: T, req: ApiRequest): unknown;
  /** Extra list filters (beyond name and label_selector). */
  filter?(item: T, query: URLSearchParams): boolean;
  /** Throws the kind's error when the resource cannot be deleted now; without it, delete always succeeds. */
  assertDeletable?(item: T, req: ApiRequest): void;
}

const DEFAULT_SORT_FIELDS: SortFields<NamedResource> = { id: (item) => item.id, name: (item) => item.name, created: (item) => item.createdMs };

export function resourceTools<T extends NamedResource>(kind: ResourceKind<T>) {
  const ofProject = (req: ApiRequest): T[] => [...kind.store.values()].filter((item) => item.projectId === req.project.id);
  const find = (req: ApiRequest, raw = req.params.id): T => {
    const id = parseId(raw);
    const item = id === null ? undefined : kind.store.get(id);
    if (!item || item.projectId !== req.project.id) throw notFound(kind.title);
    return item;
  };
  const assertNameFree = (req: ApiRequest, name: string, self: T | null): void => {
    if (ofProject(req).some((item) => item.name === name && item !== self)) throw uniquenessError('name', `${kind.title} with the same name already exists`);
  };
  return { ofProject, find, assertNameFree };
}

/** GET list, GET one, PUT and DELETE of a resource kind; POST is createRoute or the kind's own. */
export function resourceRoutes<T extends NamedResource>(kind: ResourceKind<T>): ApiRoute[] {
  const { ofProject, find, assertNameFree } = resourceTools(kind);
  const sortFields = kind.sortFields ?? DEFAULT_SORT_FIELDS;
  const one = (item: T, req: ApiRequest) => ({ [kind.singular]: kind.render(item, req) });
  return [
    {
      method: 'GET',
      pattern: `/${kind.plural}`,
      handler: (req) => {
        const name = req.query.get('name');
        const selector = compileLabelSelector(req.query.get('label_selector'));
        const matching = ofProject(req).filter((item) => (name === null || item.name === name) && selector(item.labels) && (kind.filter?.(item, req.query) ?? true));
        const sorted = sortItems(matching, req.query, sortFields, (item) => item.id);
        return listReply(kind.plural, paginate(sorted, req.query, req.url), (item) => kind.render(item, req));
      },
    },
    {
      method: 'GET',
      pattern: `/${kind.plural}/:id`,
      handler: (req) => ({ status: 200, body: one(find(req), req) }),
    },
    {
      method: 'PUT',
      pattern: `/${kind.plural}/:id`,
      handler: async (req) => {
        const item = find(req);
        const body = await req.json();
        const errors = new FieldErrors();
        const input = isRecord(body) ? body : {};
        if (!isRecord(body)) errors.add('body', 'must be a JSON object');
        const name = input.name === undefined ? null : readResourceName(input.name, errors);
        const labels = input.labels === undefined ? null : readLabels(input.labels, errors);
        errors.throwIfAny();
        if (name !== null) {
          assertNameFree(req, name, item);
          item.name = name;
        }
        if (labels !== null) item.labels = labels;
        return { status: 200, body: one(item, req) };
      },
    },
    {
      method: 'DELETE',
      pattern: `/${kind.plural}/:id`,
      handler: (req) => {
        const item = find(req);
        kind.assertDeletable?.(item, req);
        kind.store.delete(item.id);
        return { status: 204 };
      },
    },
  ];
}

/** A kind's part of POST: the fields beside name and labels, and what the answer adds. */
export interface ResourceCreation<Own extends object> {
  readonly idCounter: keyof IdCounters;
  /**
   * Reads the kind's own fields of a create body, recording their field errors (after name's and
   * before labels', the order the 422 lists them in); null when one of them is invalid.
   */
  read(body: Record<string, unknown>, errors: FieldErrors): Own | null;
  /** Keys the 201 answer carries beside the resource (a firewall's `actions`). */
  readonly replyExtras?: Readonly<Record<string, unknown>>;
}

/**
 * POST of a kind: a body that is not a JSON object is refused alone; otherwise every broken field
 * is listed (name, the kind's own, labels), then the name must be free in the project.
 */
export function createRoute<Own extends object>(state: SimState, kind: ResourceKind<NamedResource & Own>, creation: ResourceCreation<Own>): ApiRoute {
  const { assertNameFree } = resourceTools(kind);
  return {
    method: 'POST',
    pattern: `/${kind.plural}`,
    handler: async (req) => {
      const body = await req.json();
      if (!isRecord(body)) throw invalidInput([{ name: 'body', messages: ['must be a JSON object'] }]);
      const errors = new FieldErrors();
      const name = readResourceName(body.name, errors);
      const own = creation.read(body, errors);
      const labels = readLabels(body.labels, errors);
      errors.throwIfAny();
      if (name === null || own === null) throw new Error('unreachable: validated above');
      assertNameFree(req, name, null);
      const item = { id: nextId(state, creation.idCounter), projectId: req.project.id, name, labels, createdMs: req.now, ...own };
      kind.store.set(item.id, item);
      return { status: 201, body: { [kind.singular]: kind.render(item, req), ...creation.replyExtras } };
    },
  };
}
