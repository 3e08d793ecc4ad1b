import { NICKNAME_MAX_LENGTH } from '../../src/core/contract'
import { invalid } from './validation'

/** Raw input cap before trimming, so a huge string is rejected without scanning it. */
const NICKNAME_RAW_MAX = 256
export const AVATAR_URL_MAX_LENGTH = 512

/**
 * C0/C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates (they can
 * visually reorder a ranking) and lone surrogates. Zero-width joiners stay allowed: emoji
 * sequences need them.
 */
const FORBIDDEN_IN_NICKNAME = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\p{Cs}]/u

export function parseNickname(value: unknown): string | null {
  if (value === null) return null
  if (typeof value !== 'string') throw invalid('nickname must be a string or null.')
  if (value.length > NICKNAME_RAW_MAX) {
    throw invalid(`nickname must be at most ${NICKNAME_MAX_LENGTH} characters.`)
  }
  const trimmed = value.trim()
  if (FORBIDDEN_IN_NICKNAME.test(trimmed)) {
    throw invalid('nickname must not contain control characters.')
  }
  // Count code points, not UTF-16 units: an emoji is one character to the user.
  const length = [...trimmed].length
  if (length === 0) throw invalid('nickname must not be blank; send null to clear it.')
  if (length > NICKNAME_MAX_LENGTH) {
    throw invalid(`nickname must be at most ${NICKNAME_MAX_LENGTH} characters.`)
  }
  return trimmed
}

/** cloud://<env>.<bucket>/<path>: what wx.cloud.uploadFile returns as fileID. */
const CLOUD_FILE_ID = /^cloud:\/\/[A-Za-z0-9._-]+\/[A-Za-z0-9._~\-/]+$/
const SAFE_PATH = /^[A-Za-z0-9._~\-/]+$/

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..')
}

/**
 * Avatars are files this app stored: cloud file ids in production, or files served by the
 * local stand-in under a configured prefix. Arbitrary URLs are refused so a profile cannot
 * point other members' devices at a tracking or hostile host.
 */
export function parseAvatarUrl(value: unknown, localPrefixes: readonly string[]): string | null {
  if (value === null) return null
  if (typeof value !== 'string') throw invalid('avatarUrl must be a string or null.')
  if (value.length > AVATAR_URL_MAX_LENGTH) {
    throw invalid(`avatarUrl must be at most ${AVATAR_URL_MAX_LENGTH} characters.`)
  }
  if (CLOUD_FILE_ID.test(value) && !hasDotSegment(value.slice('cloud://'.length))) return value
  for (const prefix of localPrefixes) {
    if (prefix.length === 0 || !value.startsWith(prefix)) continue
    const rest = value.slice(prefix.length)
    if (rest.length > 0 && SAFE_PATH.test(rest) && !hasDotSegment(rest)) return value
  }
  throw invalid('avatarUrl must be a cloud file id (cloud://…) uploaded by this app.')
}
