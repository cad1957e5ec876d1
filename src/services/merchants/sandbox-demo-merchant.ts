/**
 * Sandbox mode's demo merchant. Created on an empty database (its keys printed once, as any key);
 * outside tests its keys are also kept in a local file beside the embedded database, so that the
 * demo shop at `/` works on every start of the same sandbox. Never used with a real Stripe key.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IssuedMerchant, MerchantService } from './merchant.service';

export async function sandboxDemoMerchant(
  merchants: MerchantService,
  keysFile: string | null,
): Promise<{ merchant: IssuedMerchant; created: boolean } | null> {
  const kept = keysFile ? await readKeptKeys(merchants, keysFile) : null;
  if (kept) return { merchant: kept, created: false };
  if ((await merchants.countMerchants()) > 0) return null; // someone else's database: no demo merchant invented
  const merchant = await merchants.createMerchant('Sandbox demo merchant');
  if (keysFile) {
    mkdirSync(dirname(keysFile), { recursive: true });
    writeFileSync(keysFile, `${JSON.stringify(merchant)}\n`, { mode: 0o600 });
    chmodSync(keysFile, 0o600);
  }
  return { merchant, created: true };
}

/** The kept keys, if they still open this database (another database, or rotated keys: ignored). */
async function readKeptKeys(merchants: MerchantService, keysFile: string): Promise<IssuedMerchant | null> {
  if (!existsSync(keysFile)) return null;
  try {
    const kept = JSON.parse(readFileSync(keysFile, 'utf8')) as IssuedMerchant;
    const [secret, publishable] = await Promise.all([merchants.authenticate(kept.secretKey), merchants.authenticate(kept.publishableKey)]);
    return secret?.scope === 'SECRET' && publishable?.merchantId === secret.merchantId ? kept : null;
  } catch {
    return null;
  }
}
