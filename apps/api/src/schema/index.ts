import { builder } from './builder.ts';
import './scalars.ts';
import './enums.ts';
import './error-types.ts';
import './viewer.ts';
import './provider-connection.ts';
import './catalog.ts';
import './acquisition-event.ts';
import './node.ts';
import './provider-resources.ts';
import './node-cost.ts';
import './audit-event.ts';
import './provider-connection-subscriptions.ts';

builder.queryType({});
builder.subscriptionType({});
builder.mutationType({});
// builder.mutationType({}) and builder.subscriptionType({}) are declared here, once, as soon as
// a module above adds the first mutation / subscription field (an empty type is invalid).

/** The executable schema: every type module above registers itself on the builder. */
export const schema = builder.toSchema({ sortSchema: false });
