import { graphql } from './generated/gql.ts';

/**
 * The organization's connections: one page of CONNECTIONS_PAGE_SIZE (a handful is usual). The
 * size is a variable: the API's cost limit multiplies a literal `first` into the document's cost.
 */
export const PROVIDER_CONNECTIONS_QUERY = graphql(`
  query ProviderConnections($first: Int!) { providerConnections(first: $first) { nodes { ...ProviderConnectionFields } } }
`);

/** How many connections the pages read (the API's maximum page size). */
export const CONNECTIONS_PAGE_SIZE = 100;

/** What a node can be made of through a connection. */
graphql(`
  fragment CatalogFields on ProviderCatalog {
    fetchedAt
    locations { name description country city }
    serverTypes { name cores memoryGb diskGb architecture locations deprecated prices { location hourly { gross currency } monthly { gross currency } } }
    images { name description architecture }
  }
`);

/** The stored catalog of one connection (null until Hangar read it once). */
export const PROVIDER_CATALOG_QUERY = graphql(`
  query ProviderCatalog($id: ID!) {
    providerConnection(id: $id) { id catalog { ...CatalogFields } }
  }
`);

/** Reads the connection's catalog from the provider now and stores it. */
export const REFRESH_CATALOG = graphql(`
  mutation RefreshCatalog($input: RefreshCatalogInput!) {
    refreshCatalog(input: $input) {
      __typename ... on RefreshCatalogPayload { providerConnection { id catalog { ...CatalogFields } } } ...TypedErrorFields
    }
  }
`);

export const CREATE_PROVIDER_CONNECTION = graphql(`
  mutation CreateProviderConnection($input: CreateProviderConnectionInput!) {
    createProviderConnection(input: $input) {
      __typename ... on CreateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields
    }
  }
`);

export const ROTATE_PROVIDER_TOKEN = graphql(`
  mutation RotateProviderToken($input: RotateProviderTokenInput!) {
    rotateProviderToken(input: $input) {
      __typename ... on RotateProviderTokenPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields
    }
  }
`);

export const VALIDATE_PROVIDER_CONNECTION = graphql(`
  mutation ValidateProviderConnection($input: ValidateProviderConnectionInput!) {
    validateProviderConnection(input: $input) {
      __typename ... on ValidateProviderConnectionPayload { providerConnection { ...ProviderConnectionFields } } ...TypedErrorFields
    }
  }
`);

export const DELETE_PROVIDER_CONNECTION = graphql(`
  mutation DeleteProviderConnection($input: DeleteProviderConnectionInput!) {
    deleteProviderConnection(input: $input) { __typename ... on DeleteProviderConnectionPayload { deletedId } ...TypedErrorFields }
  }
`);

/** Every change of a connection of the organization (status after a live check, rotation, deletion). */
export const PROVIDER_CONNECTION_CHANGED = graphql(`
  subscription ProviderConnectionChanged { providerConnectionChanged { id deleted providerConnection { ...ProviderConnectionFields } } }
`);
