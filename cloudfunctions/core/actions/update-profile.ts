import type { ActionOutput } from '../../../shared/contract'
import type { Action } from '../deps'
import { parseAvatarUrl, parseNickname } from '../profile-rules'
import { limitCall } from '../rate-limit'
import type { ProfilePatch } from '../store'
import { invalid, ownField } from '../validation'

/** Present-but-undefined is treated as absent: JSON cannot carry undefined anyway. */
export const updateProfile: Action<ActionOutput<'updateProfile'>> = async (input, caller, deps) => {
  const nickname = ownField(input, 'nickname')
  const avatarUrl = ownField(input, 'avatarUrl')
  const patch: ProfilePatch = {}
  if (nickname !== undefined) patch.nickname = parseNickname(nickname)
  if (avatarUrl !== undefined) {
    patch.avatarUrl = parseAvatarUrl(avatarUrl, deps.localFileUrlPrefixes ?? [])
  }
  if (nickname === undefined && avatarUrl === undefined) {
    throw invalid('Send nickname and/or avatarUrl (null clears a field).')
  }
  const now = deps.clock.now()
  ;(await limitCall(deps, caller.openid, 'updateProfile', now))()
  return deps.store.updateProfile(caller.openid, patch, now)
}
