/**
 * `npm run emulator`: the Stripe emulator on its own, for merchants' tests and local work.
 * Prints where it listens (and a generated webhook secret), and stops cleanly on SIGINT/SIGTERM.
 */
import { readEmulatorEnv } from './emulator-env';
import { createStripeEmulator } from './index';

async function main(): Promise<void> {
  let env;
  try {
    env = readEmulatorEnv(process.env);
  } catch (err) {
    console.error(`stripe-emulator: invalid configuration: ${(err as Error).message}`);
    process.exit(2);
  }

  const emulator = createStripeEmulator({
    apiKey: env.apiKey,
    webhookSecret: env.webhookSecret,
    webhookUrls: env.webhookUrls,
    publicUrl: env.publicUrl,
    faults: env.faults,
    log: (line) => console.log(`[stripe-emulator] ${line}`),
  });
  const { url } = await emulator.listen(env.port, env.host);

  console.log(`Stripe emulator listening on ${url} (point the SDK at it: host, port, protocol 'http')`);
  if (env.webhookSecretGenerated) {
    // A test-mode secret that opens nothing real; the receiver needs it to verify signatures.
    console.log(`STRIPE_WEBHOOK_SECRET=${env.webhookSecret} (generated: set it to keep it across restarts)`);
  }
  console.log(
    env.webhookUrls.length > 0
      ? `Delivering events to ${env.webhookUrls.join(', ')}`
      : 'No STRIPE_EMULATOR_WEBHOOK_URL: events are recorded (GET /v1/events) but not delivered',
  );
  if (Object.keys(env.faults).length > 0) console.log(`Faults: ${JSON.stringify(env.faults)}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: stopping the Stripe emulator`);
    emulator.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error('stripe-emulator failed to start:', err);
  process.exit(1);
});
