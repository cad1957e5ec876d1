/**
 * GraphQL inputs. They carry GraphQL's type checks only; every business rule lives in the
 * Validation Service, shared with the REST door, and so do the descriptions (each rule's schema
 * describes its field), so that no number is written here.
 */
import { Field, InputType, Int } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { createPaymentShape as input, descriptionOf, lineItemShape as line } from '../services/validation';

@InputType('LineItemInput')
export class LineItemInput {
  @Field(() => String, { description: descriptionOf(line.name) })
  name!: string;

  @Field(() => Int, { description: descriptionOf(line.unitAmount) })
  unitAmount!: number;

  @Field(() => Int, { description: descriptionOf(line.quantity) })
  quantity!: number;
}

@InputType('CreatePaymentInput')
export class CreatePaymentInput {
  @Field(() => String, { description: descriptionOf(input.orderId) })
  orderId!: string;

  @Field(() => String, { description: descriptionOf(input.currency) })
  currency!: string;

  @Field(() => [LineItemInput], { description: descriptionOf(input.lineItems) })
  lineItems!: LineItemInput[];

  @Field(() => String, { description: descriptionOf(input.successUrl) })
  successUrl!: string;

  @Field(() => String, { description: descriptionOf(input.cancelUrl) })
  cancelUrl!: string;

  @Field(() => String, { nullable: true, description: descriptionOf(input.customerEmail) })
  customerEmail?: string | null;

  @Field(() => Int, { nullable: true, description: descriptionOf(input.expiresInMinutes) })
  expiresInMinutes?: number | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: descriptionOf(input.metadata) })
  metadata?: Record<string, unknown> | null;
}
