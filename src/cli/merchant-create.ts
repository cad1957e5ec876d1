/** `npm run merchant:create -- --name "Acme"`: prints {"id","name","secretKey","publishableKey"} as one JSON line. */
import { MerchantService } from '../services/merchants/merchant.service';
import { flag, runWithDatabase } from './cli-support';

void runWithDatabase(async (orm, config) => {
  const name = flag('name');
  if (!name) throw new Error('Usage: npm run merchant:create -- --name "Acme"');
  const merchant = await new MerchantService({ orm, keyRotationOverlapHours: config.keyRotationOverlapHours }).createMerchant(name);
  process.stdout.write(`${JSON.stringify(merchant)}\n`);
});
