import { request } from 'node:https'

import { cloudIdSdkError } from '../../shared/wechat-facts'
import type {
  CallerContext,
  Logger,
  OpenDataResult,
  SessionResult,
  WeChatOpenApi,
} from '../core/ports'

/** The part of wx-server-sdk this adapter calls; typed structurally so tests can fake it. */
export interface OpenDataSdk {
  getOpenData(param: { list: string[] }): Promise<{ list: Array<Record<string, unknown>> }>
}

export type HttpsGet = (url: string, timeoutMs: number) => Promise<{ status: number; body: string }>

export interface CloudOpenApiOptions {
  sdk: OpenDataSdk
  /** The mini program's AppSecret, from server config; null disables the legacy path. */
  appSecret: string | null
  logger: Logger
  httpsGet?: HttpsGet
  timeoutMs?: number
}

export const JSCODE2SESSION_URL = 'https://api.weixin.qq.com/sns/jscode2session'

function errorCode(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null
  const { errCode, errcode } = value as { errCode?: unknown; errcode?: unknown }
  const code = typeof errCode === 'number' ? errCode : errcode
  return typeof code === 'number' ? code : null
}

/** Node 16 (the CloudBase runtime) has no global fetch; plain https keeps the bundle small. */
const defaultHttpsGet: HttpsGet = (url, timeoutMs) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${JSCODE2SESSION_URL} timed out`)))
    req.on('error', reject)
    req.end()
  })

/**
 * The production open API: CloudIDs through `cloud.getOpenData` (needs no openapi permission in
 * config.json: it is a cloud capability, not an `openapi.*` call), and `auth.code2Session`
 * over HTTPS with the AppSecret from server config.
 */
export function createCloudOpenApi(options: CloudOpenApiOptions): WeChatOpenApi {
  const httpsGet = options.httpsGet ?? defaultHttpsGet
  const timeoutMs = options.timeoutMs ?? 5000
  return {
    async getOpenData(cloudID: string): Promise<OpenDataResult> {
      let item: Record<string, unknown> | undefined
      try {
        item = (await options.sdk.getOpenData({ list: [cloudID] })).list[0]
      } catch (error) {
        const known = cloudIdSdkError(errorCode(error))
        if (known) return { ok: false, reason: known.code }
        throw error
      }
      // Per-item failures are reported with the same codes.
      const itemCode = errorCode(item)
      if (itemCode !== null && itemCode !== 0) {
        const known = cloudIdSdkError(itemCode)
        if (known) return { ok: false, reason: known.code }
        throw new Error(`getOpenData item failed with ${itemCode}`)
      }
      const data = item?.data
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        return { ok: false, reason: 'CLOUD_ID_INVALID' }
      }
      return { ok: true, data: data as Record<string, unknown> }
    },

    async code2Session(code: string, caller: CallerContext): Promise<SessionResult> {
      if (!options.appSecret) {
        // A deployment mistake, not the user's: surfaces as INTERNAL and in the log.
        throw new Error('code2Session needs LEADERBOARD_APP_SECRET (or appSecret in server config)')
      }
      const query = new URLSearchParams({
        appid: caller.appid,
        secret: options.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
      })
      const response = await httpsGet(`${JSCODE2SESSION_URL}?${query.toString()}`, timeoutMs)
      let body: Record<string, unknown>
      try {
        body = JSON.parse(response.body) as Record<string, unknown>
      } catch {
        throw new Error(`jscode2session answered HTTP ${response.status} with a non-JSON body`)
      }
      const errcode = errorCode(body)
      if (errcode !== null && errcode !== 0) {
        const errmsg = typeof body.errmsg === 'string' ? body.errmsg : 'code2Session failed'
        if (errcode === -1) options.logger.error('jscode2session: WeChat busy (-1)', body)
        return { ok: false, errcode, errmsg }
      }
      const { openid, session_key: sessionKey } = body
      if (typeof openid !== 'string' || typeof sessionKey !== 'string') {
        throw new Error('jscode2session answered without openid/session_key')
      }
      return { ok: true, openid, sessionKey }
    },
  }
}
