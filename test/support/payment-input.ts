/** The createPayment input the tests and the bench send: what a shop would, with a fresh orderId. */

let orderCounter = 0;
/** A valid createPayment input with a fresh orderId; override any field. */
export function paymentInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  orderCounter += 1;
  return {
    orderId: `order-${Date.now()}-${process.pid}-${orderCounter}`,
    currency: 'usd',
    lineItems: [
      { name: 'T-shirt', unitAmount: 2500, quantity: 2 },
      { name: 'Socks', unitAmount: 700, quantity: 1 },
    ],
    successUrl: 'https://shop.example/thanks',
    cancelUrl: 'https://shop.example/cart',
    customerEmail: 'buyer@example.com',
    metadata: { cartId: 'c-42' },
    ...overrides,
  };
}
