/**
 * Wires the `wx` stub of one simulated phone to the local WeChat stand-in and to the real cloud
 * function running on SQLite in this process: group open data, login and CloudIDs come from the
 * stand-in, `wx.cloud.callFunction` goes through the local function runtime like the real wire.
 */
import { createCloudId } from '../../../local/wechat/cloud-id'
import type { LocalFunctionRuntime } from '../../../local/wechat/function-runtime'
import { isWxApiError, type WeChatStandIn } from '../../../local/wechat/stand-in'
import type { CallbackOptions, WxStub } from './wx-stub'

export interface PhoneUser {
  appid: string
  openid: string
}

export interface WechatHost {
  /** Every cloud call this phone made, in order, with the action it asked for. */
  cloudCalls: Array<{ name: string; action: unknown }>
  uploadedFiles: Map<string, string>
  /** Makes the next `count` cloud calls fail as a lost network would. */
  failCloudCalls(count: number): void
  /** While down, every cloud call fails as an unreachable network would, reaching no server. */
  setCloudDown(down: boolean): void
}

export function connectPhone(
  stub: WxStub,
  options: { standIn: WeChatStandIn; runtime: LocalFunctionRuntime; user: PhoneUser },
): WechatHost {
  const { standIn, runtime, user } = options
  const cloudCalls: WechatHost['cloudCalls'] = []
  const uploadedFiles = new Map<string, string>()
  let failingCalls = 0
  let down = false

  // getGroupEnterInfo reads the group from how the app was entered (it takes no ticket);
  // getShareInfo is given the ticket explicitly.
  const openData =
    (api: 'getGroupEnterInfo' | 'getShareInfo') =>
    (callOptions: CallbackOptions): unknown => {
      const shareTicket =
        api === 'getGroupEnterInfo'
          ? (stub.enterOptions().shareTicket as string | undefined)
          : (callOptions.shareTicket as string | undefined)
      const result =
        api === 'getGroupEnterInfo'
          ? standIn.getGroupEnterInfo(user.appid, user.openid, shareTicket, {
              allowSingleChat: callOptions.allowSingleChat === true,
              needGroupOpenID: callOptions.needGroupOpenID === true,
            })
          : standIn.getShareInfo(user.appid, user.openid, shareTicket)
      if (isWxApiError(result)) throw result
      return result
    }

  stub.implement('getGroupEnterInfo', openData('getGroupEnterInfo'))
  stub.implement('getShareInfo', openData('getShareInfo'))
  stub.implement('login', () => standIn.login(user.appid, user.openid))

  stub.cloud.implementation = {
    CloudID: (cloudID) => createCloudId(cloudID),
    async callFunction({ name, data }) {
      cloudCalls.push({ name, action: data?.action })
      if (down || failingCalls > 0) {
        if (!down) failingCalls -= 1
        throw { errCode: -1, errMsg: 'cloud.callFunction:fail network timeout' }
      }
      return runtime.callFunction({ appid: user.appid, openid: user.openid, name, data })
    },
    async uploadFile({ cloudPath, filePath }) {
      const fileID = `cloud://local-env.6c6f-local-env/${cloudPath}`
      uploadedFiles.set(fileID, filePath)
      return { fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' }
    },
  }

  return {
    cloudCalls,
    uploadedFiles,
    failCloudCalls(count) {
      failingCalls = count
    },
    setCloudDown(value) {
      down = value
    },
  }
}
