/**
 * The process entry (`npm start`): tracing first, then the gateway. OpenTelemetry's instrumentations
 * patch http, express, graphql and mysql2 as they are required, so nothing above the require of
 * ./index may load them: config.ts needs only zod, logger.ts only pino, tracing.ts nothing until on.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';
import { startTracing } from './telemetry/tracing';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const tracing = startTracing({
  endpoint: config.tracing.otlpEndpoint,
  serviceName: config.tracing.serviceName,
  logger: createLogger(config.logLevel).child({ module: 'tracing' }),
});

// eslint-disable-next-line @typescript-eslint/no-require-imports -- must load after tracing started
const { main } = require('./index') as typeof import('./index');
main({ config, tracing }).catch((error) => {
  console.error(error);
  process.exit(1);
});
