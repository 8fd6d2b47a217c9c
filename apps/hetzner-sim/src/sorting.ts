import { invalidInput } from './errors.ts';

/**
 * `sort=field`, `sort=field:asc|desc`, repeatable; earlier keys win. Each list names the fields
 * it can sort by; anything else is invalid_input. Without `sort` lists come in id order.
 */
export type SortValue = number | string | null;
export type SortFields<T> = Readonly<Record<string, (item: T) => SortValue>>;

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

export function sortItems<T>(items: T[], query: URLSearchParams, fields: SortFields<T>, idOf: (item: T) => number): T[] {
  const keys = query.getAll('sort').flatMap((raw) => raw.split(',')).filter((raw) => raw !== '');
  const comparators = keys.map((raw) => {
    const [field = '', direction = 'asc', ...rest] = raw.split(':');
    const read = Object.hasOwn(fields, field) ? fields[field] : undefined;
    if (!read || rest.length > 0 || (direction !== 'asc' && direction !== 'desc')) {
      throw invalidInput([{ name: 'sort', messages: [`invalid sort '${raw}', allowed fields: ${Object.keys(fields).join(', ')}`] }]);
    }
    const sign = direction === 'desc' ? -1 : 1;
    return (a: T, b: T) => sign * compareValues(read(a), read(b));
  });
  return [...items].sort((a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return idOf(a) - idOf(b);
  });
}
