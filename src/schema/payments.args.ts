import { ArgsType, Field, Int } from 'type-graphql';
import { PaymentStatus } from '../domain/payment-status';

/** Arguments of `payments` (Relay-style); the 1..100 bound on `first` is the Validation Service's rule. */
@ArgsType()
export class PaymentsArgs {
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => PaymentStatus, { nullable: true })
  status?: PaymentStatus | null;

  @Field(() => String, { nullable: true })
  orderId?: string | null;
}
