/** Joins a path of the problems the validators report (zod-problems.ts); `key` is caller-controlled text, so it is made safe to echo back first. */
export function fieldPath(parent: string, key: string | number): string {
  return `${parent}.${typeof key === 'number' ? key : displayKey(key)}`;
}

/**
 * A caller's key as it may appear in a field path: control characters replaced (they would garble
 * logs) and huge keys cut, so a 100 kB key does not come back 100 kB long.
 */
export function displayKey(key: string): string {
  const printable = key.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  // Cut by code points so an emoji is not split into a lone surrogate.
  const points = Array.from(printable.length > 256 ? printable.slice(0, 256) : printable);
  return points.length > 64 ? `${points.slice(0, 64).join('')}…` : printable;
}
