import { readEmulatorEnv } from '../../../src/stripe-emulator/emulator-env';

describe('the standalone emulator configuration', () => {
  it('defaults to port 12111 and generates a webhook secret to print', () => {
    const env = readEmulatorEnv({});
    expect(env).toMatchObject({ port: 12111, webhookUrls: [], faults: {}, webhookSecretGenerated: true, apiKey: undefined });
    expect(env.webhookSecret).toMatch(/^whsec_\w{20,}$/);
    expect(readEmulatorEnv({}).webhookSecret).not.toBe(env.webhookSecret);
  });

  it('reads the port, secret, comma-separated webhook URLs, API key and faults', () => {
    const env = readEmulatorEnv({
      STRIPE_EMULATOR_PORT: '4242',
      STRIPE_WEBHOOK_SECRET: 'whsec_given',
      STRIPE_EMULATOR_WEBHOOK_URL: 'http://localhost:4000/api/v1/webhooks/stripe, https://hooks.example/stripe',
      STRIPE_EMULATOR_API_KEY: 'sk_test_only_this',
      STRIPE_EMULATOR_FAULTS: '{"apiErrorRate":0.1,"webhookReorder":true}',
    });
    expect(env).toMatchObject({
      port: 4242,
      webhookSecret: 'whsec_given',
      webhookSecretGenerated: false,
      webhookUrls: ['http://localhost:4000/api/v1/webhooks/stripe', 'https://hooks.example/stripe'],
      apiKey: 'sk_test_only_this',
      faults: { apiErrorRate: 0.1, webhookReorder: true },
    });
  });

  it.each([
    ['STRIPE_EMULATOR_PORT', 'abc'],
    ['STRIPE_EMULATOR_PORT', '70000'],
    ['STRIPE_WEBHOOK_SECRET', 'secret'],
    ['STRIPE_EMULATOR_WEBHOOK_URL', 'ftp://x.example'],
    ['STRIPE_EMULATOR_API_KEY', 'sk_live_x'],
    ['STRIPE_EMULATOR_FAULTS', '{"apiErrorRate":5}'],
    ['STRIPE_EMULATOR_FAULTS', 'not json'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => readEmulatorEnv({ [name]: value })).toThrow(name);
  });
});
