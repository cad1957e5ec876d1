/**
 * The GraphQL door's side of the access policy (services/merchants/access-policy.ts): type-graphql
 * calls `authChecker` for every `@Authorized` resolver and field, and the checker asks the policy.
 * - Resolvers name the operation they run: `@Authorized<Operation>('listPayments')`.
 * - Payment's fields are guarded by `@GuardedPaymentFields()` on the type: it marks every field the
 *   policy does not let a publishable key read, so a field added later is secret until the policy
 *   says otherwise, and no field list is written twice.
 */
import { Authorized, getMetadataStorage, type AuthChecker } from 'type-graphql';
import { authorize, authorizePaymentField, mayReadPaymentField, type Operation } from '../services/merchants/access-policy';
import type { GraphQLContext } from '../resolvers/context';

/** The role of a guarded Payment field: the checker asks the policy about the field by its name. */
const PAYMENT_FIELD = 'paymentField';
type Role = Operation | typeof PAYMENT_FIELD;

export const authChecker: AuthChecker<GraphQLContext, Role> = ({ context, info }, roles) => {
  for (const role of roles) {
    if (role === PAYMENT_FIELD) authorizePaymentField(context.auth, info.fieldName);
    else authorize(context.auth, role);
  }
  return true;
};

/**
 * Class decorator for the Payment object type: puts `@Authorized` on each of its fields a publishable
 * key may not read. Class decorators run after the field decorators, so every field is known here.
 */
export function GuardedPaymentFields(): ClassDecorator {
  return (target) => {
    for (const field of getMetadataStorage().fields) {
      if (field.target === target && !mayReadPaymentField('PUBLISHABLE', field.name)) {
        Authorized<Role>(PAYMENT_FIELD)(target.prototype, field.name);
      }
    }
  };
}
