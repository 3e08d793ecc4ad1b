import type { ActionOutput } from '../../../shared/contract'
import type { Action } from '../deps'
import { limitCall } from '../rate-limit'
import { GROUP_ID_RULE, stringField } from '../validation'

/**
 * Leaving keeps the player's bests: they count again if the player re-enters the group. It takes
 * effect at once: the membership is removed, so the next read of the group is refused.
 */
export const leaveGroup: Action<ActionOutput<'leaveGroup'>> = async (input, caller, deps) => {
  const groupId = stringField(input, 'groupId', GROUP_ID_RULE)
  ;(await limitCall(deps, caller.openid, 'leaveGroup', deps.clock.now()))()
  return { left: await deps.store.leaveGroup(groupId, caller.openid) }
}
