import { PaymentCursors } from '../../src/services/payments/payment-cursor';
import { ValidationError } from '../../src/domain/errors';

const SECRET = 'a-cursor-secret-shared-by-every-instance';

function refusal(run: () => unknown): { code: string; fields: string[] } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, fields: error.details.map((d) => d.field) };
    throw error;
  }
  return undefined;
}

describe('payment cursors', () => {
  it('reads back the row id it sealed, on another instance with the same secret', () => {
    const cursor = new PaymentCursors(SECRET).encode('mer_a', 42);
    expect(new PaymentCursors(SECRET).decode('mer_a', cursor, 'after')).toBe(42);
    expect(new PaymentCursors(SECRET).decode('mer_a', new PaymentCursors(SECRET).encode('mer_a', Number.MAX_SAFE_INTEGER), 'before')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('gives the same payment the same cursor, and shows no row id in it', () => {
    const cursors = new PaymentCursors(SECRET);
    expect(cursors.encode('mer_a', 7)).toBe(cursors.encode('mer_a', 7));
    const cursor = cursors.encode('mer_a', 7);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{48}$/);
    const idInClear = Buffer.from([0, 0, 0, 0, 0, 0, 0, 7]);
    expect(Buffer.from(cursor, 'base64url').includes(idInClear)).toBe(false);
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain('payment:');
    // Consecutive ids give unrelated cursors: nothing to count by.
    expect(cursors.encode('mer_a', 8).slice(0, 8)).not.toBe(cursor.slice(0, 8));
  });

  it("refuses another merchant's cursor as BAD_USER_INPUT on the argument given", () => {
    const cursors = new PaymentCursors(SECRET);
    const ofA = cursors.encode('mer_a', 42);
    expect(refusal(() => cursors.decode('mer_b', ofA, 'after'))).toEqual({ code: 'BAD_USER_INPUT', fields: ['after'] });
    expect(refusal(() => cursors.decode('mer_b', ofA, 'before'))).toEqual({ code: 'BAD_USER_INPUT', fields: ['before'] });
  });

  it('refuses a cursor sealed under another secret (another deployment, or a rotated secret)', () => {
    const other = new PaymentCursors('another-secret-of-another-gateway').encode('mer_a', 42);
    expect(refusal(() => new PaymentCursors(SECRET).decode('mer_a', other, 'after'))?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses every one-character change of a cursor, the old base64 cursors, and made-up strings', () => {
    const cursors = new PaymentCursors(SECRET);
    const cursor = cursors.encode('mer_a', 42);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < cursor.length; i += 1) {
      const replacement = alphabet[(alphabet.indexOf(cursor[i]) + 1) % alphabet.length];
      const tampered = cursor.slice(0, i) + replacement + cursor.slice(i + 1);
      expect(refusal(() => cursors.decode('mer_a', tampered, 'after'))?.code).toBe('BAD_USER_INPUT');
    }
    const legacy = Buffer.from('payment:42').toString('base64url');
    for (const made of [legacy, '', 'x', cursor + 'A', cursor.slice(1), 'A'.repeat(48), `${cursor}==`]) {
      expect(refusal(() => cursors.decode('mer_a', made, 'after'))?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('works with any secret the configuration accepts, a short test key included', () => {
    const cursors = new PaymentCursors('sk_test_x');
    expect(cursors.decode('mer_a', cursors.encode('mer_a', 7), 'after')).toBe(7);
  });
});
