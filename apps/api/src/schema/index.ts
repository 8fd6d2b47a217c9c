import { builder } from './builder.ts';
import './scalars.ts';
import './viewer.ts';

builder.queryType({});

/** The executable schema: every type module above registers itself on the builder. */
export const schema = builder.toSchema({ sortSchema: false });
