/**
 * Preload (`NODE_OPTIONS=--require …/tracing-preload.js`) for a gateway child process started by
 * gateway-process.ts: starts tracing exactly as the production entry (src/main.ts) does, from the
 * same two variables, before src/index.ts loads express, graphql, mysql2 and the stripe SDK. The
 * instrumentations' require hooks only see modules loaded through Node's own require, which is why
 * a traced gateway must be a real process and not a module inside jest.
 */
require('./swc-register');
const { startTracing } = require('../../src/telemetry/tracing.ts');

startTracing({
  endpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
  serviceName: process.env.OTEL_SERVICE_NAME || 'graphql-payment-gateway',
});
