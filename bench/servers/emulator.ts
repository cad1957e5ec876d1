/** The Stripe emulator in a process of its own, at zero latency, delivering no webhooks (the bench signs and sends its own). */
import { createStripeEmulator } from '../../src/stripe-emulator';

async function main(): Promise<void> {
  const emulator = createStripeEmulator({ webhookSecret: process.env.STRIPE_WEBHOOK_SECRET!, webhookUrls: [] });
  const { url } = await emulator.listen(0, '127.0.0.1');
  process.once('SIGTERM', () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send!({ type: 'ready', url });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
