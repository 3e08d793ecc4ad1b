import { NICKNAME_MAX_LENGTH } from '../../shared/contract'
import { normalizeDisplayName } from '../../shared/display-name'
import { invalid } from './validation'

/** Raw input cap before trimming, so a huge string is rejected without scanning it. */
const NICKNAME_RAW_MAX = 256
export const AVATAR_URL_MAX_LENGTH = 512

export function parseNickname(value: unknown): string | null {
  if (value === null) return null
  if (typeof value !== 'string') throw invalid('nickname must be a string or null.')
  if (value.length > NICKNAME_RAW_MAX) {
    throw invalid(`nickname must be at most ${NICKNAME_MAX_LENGTH} characters.`)
  }
  const result = normalizeDisplayName(value, NICKNAME_MAX_LENGTH)
  if (result.ok) return result.name
  const messages = {
    control: 'nickname must not contain control characters.',
    blank: 'nickname must have a visible character; send null to clear it.',
    tooLong: `nickname must be at most ${NICKNAME_MAX_LENGTH} characters.`,
  } as const
  throw invalid(messages[result.problem])
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
