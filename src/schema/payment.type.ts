/**
 * GraphQL object types (API.md's `Payment` and friends). They declare the shape only; resolvers
 * return PaymentView objects (services/payments/payment-view.ts), the one mapping from storage.
 * Which Payment fields a publishable key may read is the access policy's (PUBLISHABLE_PAYMENT_FIELDS
 * in services/merchants/access-policy.ts): @GuardedPaymentFields() guards all the others.
 */
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { PaymentEventSource, PaymentStatus } from '../domain/payment-status';
import { GuardedPaymentFields } from '../graphql/authorization';

registerEnumType(PaymentStatus, { name: 'PaymentStatus' });
registerEnumType(PaymentEventSource, { name: 'PaymentEventSource' });

@ObjectType('LineItem')
export class LineItemType {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: "Minor units of the payment's currency" })
  unitAmount!: number;

  @Field(() => Int)
  quantity!: number;
}

@ObjectType('PaymentEvent', { description: 'One line of a payment’s history' })
export class PaymentEventType {
  @Field(() => Date)
  at!: Date;

  @Field(() => PaymentEventSource)
  source!: PaymentEventSource;

  @Field(() => PaymentStatus, { nullable: true, description: 'null when the payment was created' })
  from!: PaymentStatus | null;

  @Field(() => PaymentStatus)
  to!: PaymentStatus;

  @Field(() => Boolean, { description: 'false: recorded but ignored (stale, out of order, or changing nothing)' })
  applied!: boolean;

  @Field(() => String, { nullable: true })
  providerEventId!: string | null;

  @Field(() => String, { nullable: true })
  providerEventType!: string | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@GuardedPaymentFields()
@ObjectType('Payment')
export class PaymentType {
  @Field(() => ID, { description: 'The ref again, under the name client caches (Apollo Client, urql graphcache) key objects by' })
  id!: string;

  @Field(() => ID)
  ref!: string;

  @Field(() => String)
  orderId!: string;

  @Field(() => PaymentStatus)
  status!: PaymentStatus;

  @Field(() => Int, { description: 'Minor units of `currency` (cents for USD, yen for JPY)' })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217, upper case' })
  currency!: string;

  @Field(() => [LineItemType])
  lineItems!: LineItemType[];

  @Field(() => String, { nullable: true })
  checkoutUrl!: string | null;

  @Field(() => String, { nullable: true })
  providerSessionId!: string | null;

  @Field(() => String, { nullable: true })
  customerEmail!: string | null;

  @Field(() => String)
  successUrl!: string;

  @Field(() => String)
  cancelUrl!: string;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata!: Record<string, string> | null;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Int)
  version!: number;

  @Field(() => [PaymentEventType])
  events!: PaymentEventType[];
}

@ObjectType('PaymentEdge')
export class PaymentEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => PaymentType)
  node!: PaymentType;
}

/** Relay's PageInfo. Where the cursor spec allows "false when unknown", the gateway looks instead. */
@ObjectType('PageInfo')
export class PageInfoType {
  @Field(() => Boolean, { description: 'More payments lie beyond endCursor (older ones, newest first)' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'More payments lie before startCursor (newer ones)' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The first edge’s cursor; null on an empty page' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'The last edge’s cursor; null on an empty page' })
  endCursor!: string | null;
}

@ObjectType('PaymentConnection')
export class PaymentConnectionType {
  @Field(() => [PaymentEdgeType])
  edges!: PaymentEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;
}
