import { graphql } from './generated/gql.ts';

/** The organization's connections (one page of up to 100: a handful is usual). */
export const PROVIDER_CONNECTIONS_QUERY = graphql(`
  query ProviderConnections { providerConnections(first: 100) { nodes { ...ProviderConnectionFields } } }
`);

/** The stored catalog of one connection (what a node can be made of there). */
export const PROVIDER_CATALOG_QUERY = graphql(`
  query ProviderCatalog($id: ID!) {
    providerConnection(id: $id) {
      id
      catalog {
        fetchedAt
        locations { name description country city }
        serverTypes { name cores memoryGb diskGb architecture locations deprecated }
        images { name description architecture }
      }
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

/** Every change of a connection of the organization (status after a live check, rotation). */
export const PROVIDER_CONNECTION_CHANGED = graphql(`
  subscription ProviderConnectionChanged { providerConnectionChanged { ...ProviderConnectionFields } }
`);
