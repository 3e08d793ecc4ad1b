import type { ActionOutput } from '../../../src/core/contract'
import type { Action } from '../deps'

export const deleteMyData: Action<ActionOutput<'deleteMyData'>> = async (_input, caller, deps) => {
  await deps.store.deleteUserData(caller.openid)
  return { deleted: true }
}
