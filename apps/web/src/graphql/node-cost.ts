import { graphql } from './generated/gql.ts';

/** What the organization's running servers cost per month (nodes page). */
export const RUN_RATE_QUERY = graphql(`
  query RunRate { runRate { nodes unpricedNodes monthly { gross currency } } }
`);

/** A node's cost so far, read again while its server keeps costing (node page). */
export const NODE_COST_QUERY = graphql(`
  query NodeCost($id: ID!) { node(id: $id) { id costSoFar { gross currency } } }
`);
