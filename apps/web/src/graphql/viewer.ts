import { gql } from 'urql';
import type { Viewer } from './types.ts';

/** Who is signed in: the organization behind the API token. */
export const VIEWER_QUERY = gql<{ viewer: Viewer }>`
  query Viewer { viewer { organization { id name } token { id name } } }
`;
