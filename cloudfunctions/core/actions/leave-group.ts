import type { Action } from '../deps'
import { limitCall } from '../rate-limit'

/**
 * Leaving keeps the player's bests: they count again if the player re-enters the group. It takes
 * effect at once: the membership is removed, so the next read of the group is refused.
 */
export const leaveGroup: Action<'leaveGroup'> = async ({ groupId }, caller, deps) => {
  ;(await limitCall(deps, caller.openid, 'leaveGroup', deps.clock.now()))()
  return { left: await deps.store.leaveGroup(groupId, caller.openid) }
}
