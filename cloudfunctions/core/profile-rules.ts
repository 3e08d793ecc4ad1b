import { invalid } from './validation'

/** cloud://<env>.<bucket>/<path>: what wx.cloud.uploadFile returns as fileID. */
const CLOUD_FILE_ID = /^cloud:\/\/[A-Za-z0-9._-]+\/[A-Za-z0-9._~\-/]+$/
const SAFE_PATH = /^[A-Za-z0-9._~\-/]+$/

function hasDotSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '.' || segment === '..')
}

/**
 * Avatars are files this app stored: cloud file ids in production, or files served by the
 * local stand-in under a configured prefix (the action schema has checked type and length).
 * Arbitrary URLs are refused so a profile cannot point other members' devices at a tracking or
 * hostile host.
 */
export function parseAvatarUrl(
  value: string | null,
  localPrefixes: readonly string[],
): string | null {
  if (value === null) return null
  if (CLOUD_FILE_ID.test(value) && !hasDotSegment(value.slice('cloud://'.length))) return value
  for (const prefix of localPrefixes) {
    if (prefix.length === 0 || !value.startsWith(prefix)) continue
    const rest = value.slice(prefix.length)
    if (rest.length > 0 && SAFE_PATH.test(rest) && !hasDotSegment(rest)) return value
  }
  throw invalid('avatarUrl must be a cloud file id (cloud://…) uploaded by this app.')
}
