import { graphql } from './generated/gql.ts';

/** Who is signed in: the organization behind the API token. */
export const VIEWER_QUERY = graphql(`
  query Viewer { viewer { organization { id name } token { id name } } }
`);
