/**
 * How deeply arrays and objects may nest in a request body or a socket event's payload. Deeper
 * ones are refused before any handler sees them: a few thousand levels fit in a 16 KiB body or a
 * 64 KiB packet, and class-transformer, or Socket.IO sending such a value back, would recurse
 * until the stack overflows.
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** True when arrays and objects nest more than `limit` levels deep in `value` (binary data is a leaf). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[object, number]> = [];
  const visit = (child: unknown, depth: number) => {
    if (typeof child === 'object' && child !== null && !ArrayBuffer.isView(child) && !(child instanceof ArrayBuffer)) pending.push([child, depth]);
  };
  visit(value, 1);
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) visit(child, depth + 1);
  }
  return false;
}
