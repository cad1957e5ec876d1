/**
 * `npm run merchant:rotate-key -- --id mer_…`: issues a new secret key, printed once as a JSON line.
 * The old key keeps working until `previousKeyValidUntil` (KEY_ROTATION_OVERLAP_HOURS, default 24).
 */
import { MerchantService } from '../services/merchants/merchant.service';
import { flag, runWithDatabase } from './cli-support';

void runWithDatabase(async (orm, config) => {
  const id = flag('id');
  if (!id) throw new Error('Usage: npm run merchant:rotate-key -- --id mer_…');
  const rotated = await new MerchantService(orm, { keyRotationOverlapHours: config.keyRotationOverlapHours }).rotateSecretKey(id);
  process.stdout.write(`${JSON.stringify(rotated)}\n`);
});
