import { buildSchema, type ContainerType } from 'type-graphql';
import { printSchema, type GraphQLSchema } from 'graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { PaymentResolver } from '../resolvers/payment.resolver';
import { PaymentUpdatedResolver } from '../resolvers/payment-updated.resolver';
import { authChecker } from './authorization';

export const RESOLVERS = [PaymentResolver, PaymentUpdatedResolver] as const;

/**
 * The gateway's GraphQL schema. `container` hands type-graphql the resolver instances built in
 * index.ts (constructor injection, no DI framework). Business validation is ours, so type-graphql's
 * class-validator pass is off (class-validator, its optional peer, is not installed).
 */
export function buildGatewaySchema(container: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    container,
    authChecker,
    validate: false,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    pubSub: SUBSCRIBE_FUNCTIONS_ONLY,
  });
}

/**
 * type-graphql insists on a PubSub as soon as a schema has a subscription, even when every
 * subscription brings its own `subscribe` function, as ours do (paymentUpdated streams from the
 * PaymentUpdatesService). So this one is never called, and says so loudly if it ever is.
 */
const SUBSCRIBE_FUNCTIONS_ONLY = {
  publish(): never {
    throw new Error('subscriptions publish through PaymentPubSub, not type-graphql');
  },
  subscribe(): never {
    throw new Error('subscriptions stream from their own subscribe functions, not type-graphql');
  },
};

/** The schema as SDL, as committed in schema.graphql. No resolver is called, so no services are needed. */
export async function printGatewaySchema(): Promise<string> {
  const schema = await buildGatewaySchema({
    get: () => {
      throw new Error('printing the schema resolves nothing');
    },
  });
  return `${printSchema(schema)}\n`;
}
