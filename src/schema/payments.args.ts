import { ArgsType, Field, Int } from 'type-graphql';
import { PaymentStatus } from '../domain/payment-status';

/**
 * Arguments of `payments`, a Relay connection. `first` has no schema default: with `first: Int = 20`
 * a query giving only `last` would arrive with both. The Validation Service applies the default (20
 * when neither is given), the 1..100 bounds and the one-direction rule (validatePageArgs).
 */
@ArgsType()
export class PaymentsArgs {
  @Field(() => Int, { nullable: true, description: 'Forwards: the first n (1..100) after `after`; 20 when neither first nor last is given' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'pageInfo.endCursor (or an edge cursor) of a previous page: older payments' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Backwards: the last n (1..100) before `before`; not with first' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'pageInfo.startCursor (or an edge cursor) of a previous page: newer payments' })
  before?: string | null;

  @Field(() => PaymentStatus, { nullable: true })
  status?: PaymentStatus | null;

  @Field(() => String, { nullable: true })
  orderId?: string | null;
}
