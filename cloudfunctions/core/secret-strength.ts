/**
 * Server secrets (the member-key salt, the DingTalk session secret) must be unguessable: member
 * keys are an HMAC of the openid under the salt, so a guessable salt makes every member key
 * guessable. The placeholders of the `*.example.json` files and short or repetitive strings are
 * refused at start-up instead of being used.
 */

/** The entropy a secret must carry at least, as estimated by `estimateSecretBits`. */
export const MIN_SECRET_BITS = 128

/** The example files' placeholders all start like this. */
const PLACEHOLDER = /^replace-with/i

/**
 * A conservative estimate of the bits in a secret: its length times log2 of the character pool
 * its classes span (hex digits; else lower, upper, digits, other), or of the number of distinct
 * characters when that is under half the pool. 32 random base64url characters give ≈ 150 bits,
 * 32 hex digits 128; "aaaaaaaaaaaaaaaa" gives 0.
 */
export function estimateSecretBits(secret: string): number {
  const chars = [...secret]
  if (chars.length === 0) return 0
  let pool = 0
  if (/^[0-9a-f]+$/i.test(secret)) pool = 16
  else {
    if (/[a-z]/.test(secret)) pool += 26
    if (/[A-Z]/.test(secret)) pool += 26
    if (/[0-9]/.test(secret)) pool += 10
    if (/[^a-zA-Z0-9]/.test(secret)) pool += 33
  }
  const distinct = new Set(chars).size
  // A random string of this length uses at least half its pool; fewer distinct characters
  // means a pattern, and only those characters count.
  const alphabet = distinct * 2 >= pool ? pool : distinct
  return alphabet <= 1 ? 0 : chars.length * Math.log2(alphabet)
}

/** Why `secret` must not be used, or null when it is strong enough. */
export function weakSecretReason(secret: string): string | null {
  if (PLACEHOLDER.test(secret)) return 'is still the placeholder of the example configuration'
  const bits = estimateSecretBits(secret)
  if (bits < MIN_SECRET_BITS) {
    return (
      `carries about ${Math.floor(bits)} bits of entropy, fewer than ${MIN_SECRET_BITS} ` +
      '(use e.g. 32 random characters: `openssl rand -base64 32`)'
    )
  }
  return null
}
