import type { ActionOutput } from '../../../src/core/contract'
import type { Action } from '../deps'
import { GROUP_ID_RULE, stringField } from '../validation'

/** Leaving keeps the player's bests: they count again if the player re-enters the group. */
export const leaveGroup: Action<ActionOutput<'leaveGroup'>> = async (input, caller, deps) => {
  const groupId = stringField(input, 'groupId', GROUP_ID_RULE)
  return { left: await deps.store.leaveGroup(groupId, caller.openid) }
}
