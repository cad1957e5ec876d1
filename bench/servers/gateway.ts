/**
 * The gateway under load: the production wiring (startGateway), configured from the environment the
 * bench gives it, in a process of its own. Over IPC it issues merchants and reports its memory.
 */
import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startGateway } from '../../src/index';
import { answerRequests, cpuMicros, memoryAfterGc } from '../lib/processes';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const gateway = await startGateway(config, createLogger(config.logLevel));
  answerRequests({
    createMerchant: ({ name }) => gateway.merchants.createMerchant(name),
    memory: () => memoryAfterGc(),
    cpu: () => cpuMicros(),
  });
  process.once('SIGTERM', () => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  process.send!({ type: 'ready', url: gateway.url });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
