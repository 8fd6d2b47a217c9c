import { IMAGES, LOCATIONS, SERVER_TYPES } from '../catalog-data.ts';
import type { ApiRequest, ApiRoute } from '../context.ts';
import { invalidInput, notFound } from '../errors.ts';
import { compileLabelSelector } from '../label-selector.ts';
import { paginate } from '../pagination.ts';
import { renderImage, renderLocation, renderServerType } from '../render.ts';
import { sortItems } from '../sorting.ts';
import { listReply } from '../context.ts';
import { parseId } from '../validate.ts';

/** The read-only catalog: locations, server types, images. The same for every project. */

const IMAGE_TYPES = new Set(['system', 'app', 'snapshot', 'backup']);
const IMAGE_STATUSES = new Set(['available', 'creating', 'unavailable']);
const ARCHITECTURES = new Set(['x86', 'arm']);

function byName<T extends { name: string }>(items: readonly T[], req: ApiRequest): T[] {
  const name = req.query.get('name');
  return name === null ? [...items] : items.filter((item) => item.name === name);
}

function findById<T extends { id: number }>(items: readonly T[], raw: string | undefined, what: string): T {
  const id = parseId(raw);
  const item = id === null ? undefined : items.find((candidate) => candidate.id === id);
  if (!item) throw notFound(what);
  return item;
}

function readBoolean(req: ApiRequest, name: string): boolean {
  const raw = req.query.get(name);
  if (raw === null || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw invalidInput([{ name, messages: ['must be true or false'] }]);
}

function readEnumList(req: ApiRequest, name: string, allowed: Set<string>): Set<string> | null {
  const values = req.query.getAll(name).flatMap((v) => v.split(',')).filter((v) => v !== '');
  if (values.length === 0) return null;
  const wrong = values.filter((v) => !allowed.has(v));
  if (wrong.length > 0) throw invalidInput([{ name, messages: [`invalid value(s) ${wrong.join(', ')}; allowed: ${[...allowed].join(', ')}`] }]);
  return new Set(values);
}

export function catalogRoutes(): ApiRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/locations',
      handler: (req) => {
        const sorted = sortItems(byName(LOCATIONS, req), req.query, { id: (l) => l.id, name: (l) => l.name }, (l) => l.id);
        return listReply('locations', paginate(sorted, req.query, req.url), renderLocation);
      },
    },
    {
      method: 'GET',
      pattern: '/locations/:id',
      handler: (req) => ({ status: 200, body: { location: renderLocation(findById(LOCATIONS, req.params.id, 'location')) } }),
    },
    {
      method: 'GET',
      pattern: '/server_types',
      // The spec lists no `sort` here, but hcloud-cli sends sort=id:asc, so id and name are honoured.
      handler: (req) => {
        const sorted = sortItems(byName(SERVER_TYPES, req), req.query, { id: (t) => t.id, name: (t) => t.name }, (t) => t.id);
        return listReply('server_types', paginate(sorted, req.query, req.url), renderServerType);
      },
    },
    {
      method: 'GET',
      pattern: '/server_types/:id',
      handler: (req) => ({ status: 200, body: { server_type: renderServerType(findById(SERVER_TYPES, req.params.id, 'server type')) } }),
    },
    {
      method: 'GET',
      pattern: '/images',
      handler: (req) => {
        const types = readEnumList(req, 'type', IMAGE_TYPES);
        const statuses = readEnumList(req, 'status', IMAGE_STATUSES);
        const boundTo = req.query.getAll('bound_to').filter((v) => v !== '');
        const includeDeprecated = readBoolean(req, 'include_deprecated');
        const architecture = req.query.get('architecture');
        if (architecture !== null && architecture !== '' && !ARCHITECTURES.has(architecture)) {
          throw invalidInput([{ name: 'architecture', messages: ['must be x86 or arm'] }]);
        }
        const selector = compileLabelSelector(req.query.get('label_selector'));
        const matching = byName(IMAGES, req).filter(
          (image) =>
            (types === null || types.has('system')) &&
            (statuses === null || statuses.has('available')) &&
            // Catalog images are system images; none is bound to a server.
            boundTo.length === 0 &&
            (includeDeprecated || image.deprecated === null) &&
            (architecture === null || architecture === '' || image.architecture === architecture) &&
            selector({}),
        );
        const sorted = sortItems(matching, req.query, { id: (i) => i.id, name: (i) => i.name, created: (i) => i.created }, (i) => i.id);
        return listReply('images', paginate(sorted, req.query, req.url), renderImage);
      },
    },
    {
      method: 'GET',
      pattern: '/images/:id',
      handler: (req) => ({ status: 200, body: { image: renderImage(findById(IMAGES, req.params.id, 'image')) } }),
    },
  ];
}
