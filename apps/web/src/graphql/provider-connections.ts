import { gql } from 'urql';
import { PROVIDER_CONNECTION_FIELDS } from './fragments.ts';
import type { ProviderCatalog, ProviderConnection } from './types.ts';

export const PROVIDER_CONNECTIONS_QUERY = gql<{ providerConnections: ProviderConnection[] }>`
  query ProviderConnections { providerConnections { ...ProviderConnectionFields } }
  ${PROVIDER_CONNECTION_FIELDS}
`;

/** The live catalog of one connection (what a node can be made of there). */
export const PROVIDER_CATALOG_QUERY = gql<{ providerConnection: { id: string; catalog: ProviderCatalog } | null }, { id: string }>`
  query ProviderCatalog($id: ID!) {
    providerConnection(id: $id) {
      id
      catalog {
        locations { name description country city }
        serverTypes { name cores memoryGb diskGb architecture locations deprecated }
        images { name description architecture }
      }
    }
  }
`;

export interface CreateProviderConnectionInput { name: string; kind: 'HETZNER'; token: string; apiEndpoint?: string }

export const CREATE_PROVIDER_CONNECTION = gql<{ createProviderConnection: ProviderConnection }, { input: CreateProviderConnectionInput }>`
  mutation CreateProviderConnection($input: CreateProviderConnectionInput!) {
    createProviderConnection(input: $input) { ...ProviderConnectionFields }
  }
  ${PROVIDER_CONNECTION_FIELDS}
`;

export const ROTATE_PROVIDER_TOKEN = gql<{ rotateProviderToken: ProviderConnection }, { id: string; token: string }>`
  mutation RotateProviderToken($id: ID!, $token: String!) {
    rotateProviderToken(id: $id, token: $token) { ...ProviderConnectionFields }
  }
  ${PROVIDER_CONNECTION_FIELDS}
`;

export const VALIDATE_PROVIDER_CONNECTION = gql<{ validateProviderConnection: ProviderConnection }, { id: string }>`
  mutation ValidateProviderConnection($id: ID!) {
    validateProviderConnection(id: $id) { ...ProviderConnectionFields }
  }
  ${PROVIDER_CONNECTION_FIELDS}
`;

export const DELETE_PROVIDER_CONNECTION = gql<{ deleteProviderConnection: string }, { id: string }>`
  mutation DeleteProviderConnection($id: ID!) { deleteProviderConnection(id: $id) }
`;

/** Every change of a connection of the organization (status after a live check, rotation). */
export const PROVIDER_CONNECTION_CHANGED = gql<{ providerConnectionChanged: ProviderConnection }>`
  subscription ProviderConnectionChanged { providerConnectionChanged { ...ProviderConnectionFields } }
  ${PROVIDER_CONNECTION_FIELDS}
`;
