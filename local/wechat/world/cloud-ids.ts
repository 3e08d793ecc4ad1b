/**
 * CloudIDs: issued with every piece of open data, resolvable for five minutes and only for the
 * user they were issued to — what the platform does for `cloud.getOpenData` and for top-level
 * CloudID fields of `wx.cloud.callFunction`.
 */
import {
  CLOUD_ID_LIFE_MS,
  CLOUD_ID_SDK_ERROR,
  CLOUD_ID_SDK_ERRORS,
  type CloudIdSdkErrorCode,
} from '../../../shared/wechat-facts'
import { b64url, type World } from './context'
import { clone } from './records'

// Keep issued CloudIDs long enough to answer "expired" rather than "invalid" for a while, but do
// not let a long-running local server grow without bound.
const CLOUD_ID_RETENTION_MS = 24 * 60 * 60_000

export type CloudIdResolution =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; errCode: CloudIdSdkErrorCode; errMsg: string }

export function issueCloudId(
  world: World,
  appid: string,
  openid: string,
  data: Record<string, unknown>,
): string {
  const { cloudIds } = world.state
  const now = world.clock()
  for (const [id, record] of Object.entries(cloudIds)) {
    if (now - record.issuedAt > CLOUD_ID_RETENTION_MS) delete cloudIds[id]
  }
  const cloudID = `51_${b64url(world, 48)}`
  cloudIds[cloudID] = { appid, openid, data: clone(data), issuedAt: now }
  return cloudID
}

export function resolveCloudId(
  world: World,
  appid: string,
  callerOpenid: string | null,
  cloudID: string,
): CloudIdResolution {
  const fail = (errCode: CloudIdSdkErrorCode): CloudIdResolution => ({
    ok: false,
    errCode,
    errMsg: CLOUD_ID_SDK_ERRORS[errCode].errMsg,
  })
  const record = world.state.cloudIds[cloudID]
  if (!record || record.appid !== appid) return fail(CLOUD_ID_SDK_ERROR.invalid)
  if (record.openid !== callerOpenid) return fail(CLOUD_ID_SDK_ERROR.notOwned)
  if (world.clock() - record.issuedAt > CLOUD_ID_LIFE_MS) return fail(CLOUD_ID_SDK_ERROR.expired)
  return { ok: true, data: clone(record.data) }
}
