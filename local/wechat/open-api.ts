/**
 * The ports the backend's code uses to reach the platform, implemented on top of the stand-in:
 * `WeChatOpenApi` (CloudID resolution, code2Session) for the `leaderboard` function, and the
 * `subscribeMessage.send` port for the scheduler. The local function runtime and the local backend
 * wire these in where the deployed functions use wx-server-sdk.
 */
import type { SubscribeMessageApi } from '../../cloudfunctions/core/deliver-notices'
import type {
  CallerContext,
  OpenDataResult,
  SessionResult,
  WeChatOpenApi,
} from '../../cloudfunctions/core/ports'
import { CLOUD_ID_SDK_ERRORS } from '../../shared/wechat-facts'
import type { WeChatStandIn } from './stand-in'

/** The part of the stand-in the open API stands on. */
export type OpenApiPlatform = Pick<WeChatStandIn, 'resolveCloudId' | 'code2Session' | 'appSecret'>

/**
 * The `WeChatOpenApi` port on top of the stand-in. `appid` plays the deployed function's server
 * config (whose AppSecret code2Session uses); without it the caller's APPID is used.
 */
export function createLocalOpenApi(standIn: OpenApiPlatform, appid?: string): WeChatOpenApi {
  return {
    async getOpenData(cloudID: string, caller: CallerContext): Promise<OpenDataResult> {
      const resolved = standIn.resolveCloudId(caller.appid || appid || '', caller.openid, cloudID)
      return resolved.ok
        ? { ok: true, data: resolved.data }
        : { ok: false, reason: CLOUD_ID_SDK_ERRORS[resolved.errCode].code }
    },

    async code2Session(code: string, caller: CallerContext): Promise<SessionResult> {
      const app = appid ?? caller.appid
      const answer = standIn.code2Session(app, standIn.appSecret(app) ?? '', code)
      return 'errcode' in answer
        ? { ok: false, errcode: answer.errcode, errmsg: answer.errmsg }
        : { ok: true, openid: answer.openid, sessionKey: answer.session_key }
    },
  }
}

/**
 * The scheduler's `subscribeMessage.send` port on top of the stand-in. `senderApp` names the app
 * whose server config sends (asked at each send, since apps may be registered later).
 */
export function createLocalSubscribeMessageApi(
  standIn: Pick<WeChatStandIn, 'sendSubscribeMessage'>,
  senderApp: () => string,
): SubscribeMessageApi {
  return {
    send: async (message) => standIn.sendSubscribeMessage(senderApp(), message),
  }
}
