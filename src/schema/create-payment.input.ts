/**
 * GraphQL inputs. They carry GraphQL's type checks only; every business rule lives in the
 * Validation Service, shared with the REST door.
 */
import { Field, InputType, Int } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

@InputType('LineItemInput')
export class LineItemInput {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: "Minor units of the payment's currency" })
  unitAmount!: number;

  @Field(() => Int)
  quantity!: number;
}

@InputType('CreatePaymentInput')
export class CreatePaymentInput {
  @Field(() => String, { description: "The merchant's order reference (1..128 characters)" })
  orderId!: string;

  @Field(() => String, { description: 'ISO 4217 code, any case' })
  currency!: string;

  @Field(() => [LineItemInput], { description: 'amount = sum(unitAmount * quantity)' })
  lineItems!: LineItemInput[];

  @Field(() => String, { description: "http(s) URL of the merchant's success page" })
  successUrl!: string;

  @Field(() => String)
  cancelUrl!: string;

  @Field(() => String, { nullable: true })
  customerEmail?: string | null;

  @Field(() => Int, { nullable: true, description: '30..1440, default 60' })
  expiresInMinutes?: number | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata?: Record<string, unknown> | null;
}
