import { graphql } from './generated/gql.ts';

/** What a connection's provider project offers a new node: SSH keys, networks, firewalls, placement groups (read live). */
export const PROVIDER_RESOURCES_QUERY = graphql(`
  query ProviderResources($id: ID!) {
    providerConnection(id: $id) {
      id
      sshKeys { id name fingerprint keyType bits }
      networks { id name ipRange zones }
      firewalls { id name ruleCount }
      placementGroups { id name type serverCount }
    }
  }
`);

export const ADD_SSH_KEY = graphql(`
  mutation AddSshKey($input: AddSshKeyInput!) {
    addSshKey(input: $input) { __typename ... on AddSshKeyPayload { sshKey { id name fingerprint keyType bits } } ...TypedErrorFields }
  }
`);

/** What a node was created with, and the names of its connection's resources to show them by. */
export const NODE_RESOURCES_QUERY = graphql(`
  query NodeResources($id: ID!) {
    node(id: $id) {
      id
      sshKeyNames
      labels { key value }
      userData { kind bytes sha256 }
      networkIds
      firewallIds
      placementGroupId
      publicIpv4
      publicIpv6
    }
  }
`);

export const NODE_RESOURCE_NAMES_QUERY = graphql(`
  query NodeResourceNames($id: ID!) {
    providerConnection(id: $id) { id networks { id name ipRange } firewalls { id name } placementGroups { id name } }
  }
`);
