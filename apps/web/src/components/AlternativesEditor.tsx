import type { AppError } from '../errors.ts';
import { ErrorList } from './ErrorNotice.tsx';
import { PlacementPrice, type PricedServerType } from './PlacementPrice.tsx';

/** Most fallback placements a node may list (the API's limit, core placements.ts). */
export const ALTERNATIVES_MAX = 5;

/** One fallback placement as the form holds it. */
export interface PlacementChoice {
  location: string;
  serverType: string;
}

interface CatalogShape {
  locations: ReadonlyArray<{ name: string; city: string; country: string }>;
  serverTypes: ReadonlyArray<PricedServerType & { locations: readonly string[]; architecture: string }>;
}

/**
 * "If there is no capacity there, try…": up to ALTERNATIVES_MAX placements (location and server
 * type) tried in order when the provider refuses the chosen one for capacity. Server types are
 * those offered in the row's location for the chosen image's architecture; each row shows its price.
 */
export function AlternativesEditor({ catalog, architecture, value, onChange, errors }: {
  catalog: CatalogShape | null;
  architecture: string | null;
  value: PlacementChoice[];
  onChange: (next: PlacementChoice[]) => void;
  errors: AppError[];
}) {
  const typesIn = (location: string) => (catalog?.serverTypes ?? []).filter((type) => type.locations.includes(location) && (architecture === null || type.architecture === architecture));
  const update = (index: number, change: Partial<PlacementChoice>) =>
    onChange(
      value.map((row, at) => {
        if (at !== index) return row;
        const next = { ...row, ...change };
        // A location change keeps the type when it is offered there, else takes the first that is.
        const offered = typesIn(next.location).map((type) => type.name);
        return offered.includes(next.serverType) ? next : { ...next, serverType: offered[0] ?? '' };
      }),
    );
  const add = () => {
    const location = catalog?.locations[0]?.name ?? '';
    onChange([...value, { location, serverType: typesIn(location)[0]?.name ?? '' }]);
  };
  return (
    <fieldset className="alternatives" aria-describedby="alternatives-help">
      <legend>If the provider has no capacity there</legend>
      <p className="field-help" id="alternatives-help">
        Hangar tries these placements in order when the provider refuses the one above for lack of capacity, and notes each switch on the timeline. Without any, such a refusal fails the node.
      </p>
      <ol className="alternatives-list">
        {value.map((row, index) => (
          <li key={index} data-testid={`alternative-${index}`}>
            <label>
              Location{' '}
              <select aria-label={`Fallback ${index + 1} location`} value={row.location} onChange={(event) => update(index, { location: event.target.value })} disabled={!catalog}>
                {catalog?.locations.map((entry) => (
                  <option key={entry.name} value={entry.name}>{`${entry.city}, ${entry.country} (${entry.name})`}</option>
                ))}
              </select>
            </label>{' '}
            <label>
              Server type{' '}
              <select aria-label={`Fallback ${index + 1} server type`} value={row.serverType} onChange={(event) => update(index, { serverType: event.target.value })} disabled={!catalog}>
                {typesIn(row.location).map((type) => (
                  <option key={type.name} value={type.name}>{type.name}</option>
                ))}
              </select>
            </label>{' '}
            <button type="button" className="secondary" onClick={() => onChange(value.filter((_, at) => at !== index))}>Remove</button>
            {catalog && <PlacementPrice serverTypes={catalog.serverTypes} serverType={row.serverType} location={row.location} testId={`alternative-${index}-price`} />}
          </li>
        ))}
      </ol>
      {value.length < ALTERNATIVES_MAX && (
        <button type="button" className="secondary" onClick={add} disabled={!catalog}>Add a fallback placement</button>
      )}
      <ErrorList errors={errors} />
    </fieldset>
  );
}
