/** Relay cursors: opaque to callers, a payment's position (its row id) to us. */
import { ValidationError } from '../../domain/errors';

const PREFIX = 'payment:';

export function encodeCursor(id: number): string {
  return Buffer.from(`${PREFIX}${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw ValidationError.single('after', 'is not a cursor returned by this API');
  return id;
}
