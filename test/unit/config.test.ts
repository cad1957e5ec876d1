import { loadConfig, ConfigError } from '../../src/config';

describe('configuration', () => {
  it('defaults to sandbox mode on the embedded database, port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.publicUrl).toBe('http://localhost:4000');
    expect(config.database).toEqual({ dialect: 'sqlite', path: 'data/gateway.sqlite' });
    expect(config.stripe.sandbox).toBe(true);
    expect(config.emulator.port).toBe(12111);
  });

  it('reads MySQL URLs, real Stripe keys and the emulator webhook list', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/gateway',
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_EMULATOR_WEBHOOK_URL: 'http://a/x, http://b/y',
    });
    expect(config.database).toEqual({ dialect: 'mysql', url: 'mysql://root@127.0.0.1:3306/gateway' });
    expect(config.stripe.sandbox).toBe(false);
    expect(config.emulator.webhookUrls).toEqual(['http://a/x', 'http://b/y']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'postgres://x'],
    ['STRIPE_SECRET_KEY', 'pk_test_nope'],
    ['STRIPE_WEBHOOK_SECRET', 'secret'],
    ['REDIS_URL', 'localhost:6379'],
    ['PUBLIC_URL', 'ftp://x'],
    ['NODE_ENV', 'staging'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses production without STRIPE_SECRET_KEY, even with STRIPE_API_URL: sandbox mode never runs in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/STRIPE_SECRET_KEY: required when NODE_ENV=production/);
    expect(() => loadConfig({ NODE_ENV: 'production', STRIPE_API_URL: 'http://127.0.0.1:12111' })).toThrow(ConfigError);
    const againstEmulator = loadConfig({ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_API_URL: 'http://127.0.0.1:12111' });
    expect(againstEmulator.stripe.sandbox).toBe(false);
  });

  it('lets the command-line tools run in production without a Stripe key (they never call Stripe)', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, { forTool: true }).nodeEnv).toBe('production');
  });

  it('keys cursors with CURSOR_SECRET, else the Stripe secret key, so every instance agrees without one', () => {
    expect(loadConfig({ CURSOR_SECRET: 'c'.repeat(32), STRIPE_SECRET_KEY: 'sk_live_x' }).cursorSecret).toBe('c'.repeat(32));
    expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_live_x' }).cursorSecret).toBe('sk_live_x');
    expect(() => loadConfig({ CURSOR_SECRET: 'short' })).toThrow('CURSOR_SECRET');
  });

  it('reads CORS_ALLOWED_ORIGINS as exact origins, none by default', () => {
    expect(loadConfig({}).corsAllowedOrigins).toEqual([]);
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: 'https://shop.example, http://localhost:3000' }).corsAllowedOrigins).toEqual(['https://shop.example', 'http://localhost:3000']);
  });

  it.each(['*', 'https://shop.example/', 'https://shop.example/path', 'shop.example', 'ftp://shop.example', 'https://shop.example,https://x.example/a'])(
    'refuses CORS_ALLOWED_ORIGINS=%s, naming the variable',
    (value) => expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: value })).toThrow('CORS_ALLOWED_ORIGINS'),
  );
});
