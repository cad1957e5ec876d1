import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Loads `entry` in a fresh Node process and lists the emulator files it loaded with it. */
function emulatorFilesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(join(root, entry))});
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((file) => file.includes('stripe-emulator'))));`;
  const out = execFileSync(process.execPath, ['-r', join(root, 'test/support/swc-register.js'), '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('composition root', () => {
  it('does not load the Stripe emulator until sandbox mode starts it', () => {
    expect(emulatorFilesLoadedBy('src/index.ts')).toEqual([]);
  });

  it('sees the emulator loaded when something does load it (the check above can fail)', () => {
    expect(emulatorFilesLoadedBy('src/stripe-emulator/index.ts').length).toBeGreaterThan(0);
  });
});
