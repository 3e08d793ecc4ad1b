import type { Action } from '../deps'
import { parseAvatarUrl } from '../profile-rules'
import { limitCall } from '../rate-limit'
import type { ProfilePatch } from '../store'

/** Absent (or undefined) leaves a field as it is; null clears it. */
export const updateProfile: Action<'updateProfile'> = async (input, caller, deps) => {
  const { nickname, avatarUrl } = input
  const patch: ProfilePatch = {}
  if (nickname !== undefined) patch.nickname = nickname
  if (avatarUrl !== undefined) {
    patch.avatarUrl = parseAvatarUrl(avatarUrl, deps.localFileUrlPrefixes ?? [])
  }
  const now = deps.clock.now()
  ;(await limitCall(deps, caller.openid, 'updateProfile', now))()
  return deps.store.updateProfile(caller.openid, patch, now)
}
