import type { Action } from '../deps'
import { limitCall } from '../rate-limit'

export const getProfile: Action<'getProfile'> = async (_input, caller, deps) => {
  const [admit, profile] = await Promise.all([
    limitCall(deps, caller.openid, 'getProfile', deps.clock.now()),
    deps.store.getProfile(caller.openid),
  ])
  admit()
  return profile
}
