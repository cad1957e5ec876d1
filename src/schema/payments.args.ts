import { ArgsType, Field, Int } from 'type-graphql';
import { PaymentStatus } from '../domain/payment-status';
import { descriptionOf, pageArgsShape as page } from '../services/validation';

/**
 * Arguments of `payments`, a Relay connection. `first` has no schema default: with a default, a
 * query giving only `last` would arrive with both. The Validation Service applies the default, the
 * bounds and the one-direction rule (validatePageArgs); the descriptions are its schemas'.
 */
@ArgsType()
export class PaymentsArgs {
  @Field(() => Int, { nullable: true, description: descriptionOf(page.first) })
  first?: number | null;

  @Field(() => String, { nullable: true, description: descriptionOf(page.after) })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: descriptionOf(page.last) })
  last?: number | null;

  @Field(() => String, { nullable: true, description: descriptionOf(page.before) })
  before?: string | null;

  @Field(() => PaymentStatus, { nullable: true })
  status?: PaymentStatus | null;

  @Field(() => String, { nullable: true })
  orderId?: string | null;
}
