import type { ActionOutput } from '../../../src/core/contract'
import type { Action } from '../deps'

export const getProfile: Action<ActionOutput<'getProfile'>> = async (_input, caller, deps) =>
  deps.store.getProfile(caller.openid)
