/**
 * The one retry policy of the app, applied at the platform edge (weapp and H5 alike) so that no
 * store retries on top of it: each request is sent at most twice.
 *
 * - A cloud call is sent again once after a transport failure: a lost packet should not cost the
 *   member a screen. Actions that must count once (submitScore) carry a request id, so a second
 *   send of a request that did land is answered without being applied twice.
 * - getGroupEnterInfo / getShareInfo are asked again once after 40097, which is reported to fail
 *   spuriously on a first open (https://developers.weixin.qq.com/miniprogram/dev/api/open-api/group/wx.getGroupEnterInfo.html).
 *   Their transport failures are not retried here: the member sees 重试 and decides.
 */
import { ERR_WRONG_SCENE } from '../core/failure'
import type { CallResult, GroupOpenDataResult } from '../core/platform-port'

export async function retryOnceOnNetworkFailure<T>(
  call: () => Promise<CallResult<T>>,
): Promise<CallResult<T>> {
  const first = await call()
  if (first.ok || first.error.code !== 'NETWORK') return first
  return call()
}

export async function retryOnceOnWrongScene(
  read: () => Promise<GroupOpenDataResult>,
): Promise<GroupOpenDataResult> {
  const first = await read()
  if (first.ok || first.errCode !== ERR_WRONG_SCENE) return first
  return read()
}
