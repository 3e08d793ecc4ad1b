import type { ActionOutput } from '../../../shared/contract'
import type { Action } from '../deps'
import { limitCall } from '../rate-limit'

export const deleteMyData: Action<ActionOutput<'deleteMyData'>> = async (_input, caller, deps) => {
  ;(await limitCall(deps, caller.openid, 'deleteMyData', deps.clock.now()))()
  await deps.store.deleteUserData(caller.openid)
  return { deleted: true }
}
