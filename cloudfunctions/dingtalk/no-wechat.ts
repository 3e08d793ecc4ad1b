import type { WeChatOpenApi } from '../core/ports'

/**
 * The router's WeChat port for the DingTalk entry: WeChat open data never reaches it, so every
 * call is refused. Used by the deployed wiring and by the local DingTalk entry alike.
 */
export const noWeChat: WeChatOpenApi = {
  getOpenData: async () => ({ ok: false, reason: 'CLOUD_ID_INVALID' }),
  code2Session: async () => ({ ok: false, errcode: -1, errmsg: 'not a WeChat entry' }),
}
