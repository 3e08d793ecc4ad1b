import type { Action } from '../deps'
import { limitCall } from '../rate-limit'

export const deleteMyData: Action<'deleteMyData'> = async (_input, caller, deps) => {
  ;(await limitCall(deps, caller.openid, 'deleteMyData', deps.clock.now()))()
  await deps.store.deleteUserData(caller.openid)
  return { deleted: true }
}
