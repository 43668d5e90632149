/**
 * The dashboard gadget's resolver (Shipped versus moved across one or more projects). The gadget's view sends
 * the configuration Jira keeps for it; what the viewer may see is asked of Jira as the viewer, every load.
 */
import Resolver from '@forge/resolver';
import { GADGET_RESOLVERS as G } from '../contract/shipped';
import { gadgetProjectsPayloadSchema, gadgetViewPayloadSchema } from '../contract/shipped-schemas';
import type { Clock } from '../services/outcome-map';
import { gadgetProjects, gadgetView } from '../services/shipped-moved';
import { defineEndpoint, resolverHandler } from './endpoint';

export function createGadgetResolver(options: { clock?: Clock } = {}): Resolver {
  const clock = options.clock ?? { now: () => new Date() };
  const resolver = new Resolver();
  defineEndpoint(resolver, G.view, gadgetViewPayloadSchema, (p, call) => gadgetView(call, p, clock));
  defineEndpoint(resolver, G.projects, gadgetProjectsPayloadSchema, (p, call) =>
    gadgetProjects(call, p.query),
  );
  return resolver;
}

export const gadgetHandler = resolverHandler(createGadgetResolver());
