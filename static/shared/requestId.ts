/**
 * An id the page makes once per write and sends again on retry, so the server can tell a retry from a new
 * request (the contracts read 8–100 letters, digits and dashes). randomUUID needs a secure context;
 * getRandomValues does not.
 */
export function newRequestId(): string {
  const c: Crypto = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
