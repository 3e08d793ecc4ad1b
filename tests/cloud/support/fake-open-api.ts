// A fake of the WeChatOpenApi port for action tests: issues CloudIDs and login codes in memory
// with the platform's rules (5-minute CloudID expiry, owner check, single-use codes).
import { createCipheriv, randomBytes } from 'node:crypto'

import type {
  CallerContext,
  Clock,
  OpenDataResult,
  SessionResult,
  WeChatOpenApi,
} from '../../../cloudfunctions/core/ports'
import { CLOUD_ID_LIFE_MS } from '../../../shared/wechat-facts'

interface IssuedCloudId {
  openid: string
  issuedAt: number
  data: Record<string, unknown>
}

export class FakeOpenApi implements WeChatOpenApi {
  private readonly cloudIds = new Map<string, IssuedCloudId>()
  private readonly codes = new Map<string, { openid: string; sessionKey: string }>()
  private counter = 0
  readonly calls: string[] = []

  constructor(
    readonly appid: string,
    private readonly clock: Clock,
  ) {}

  /** What getGroupEnterInfo would hand this user for a group: a CloudID of the open data. */
  issueGroupCloudId(
    openid: string,
    data: Record<string, unknown>,
    options: { appid?: string } = {},
  ): string {
    const cloudID = `cid_${++this.counter}_${randomBytes(6).toString('hex')}`
    const now = this.clock.now()
    this.cloudIds.set(cloudID, {
      openid,
      issuedAt: now,
      data: {
        ...data,
        watermark: { appid: options.appid ?? this.appid, timestamp: Math.floor(now / 1000) },
      },
    })
    return cloudID
  }

  /** What wx.login would hand this user; the session key is what code2Session returns. */
  issueLoginCode(openid: string, sessionKey = randomBytes(16).toString('base64')): string {
    const code = `code_${++this.counter}`
    this.codes.set(code, { openid, sessionKey })
    return code
  }

  async getOpenData(cloudID: string, caller: CallerContext): Promise<OpenDataResult> {
    this.calls.push(`getOpenData:${cloudID}`)
    const issued = this.cloudIds.get(cloudID)
    if (!issued) return { ok: false, reason: 'CLOUD_ID_INVALID' }
    if (issued.openid !== caller.openid) return { ok: false, reason: 'CLOUD_ID_NOT_OWNED' }
    if (this.clock.now() - issued.issuedAt > CLOUD_ID_LIFE_MS) {
      return { ok: false, reason: 'CLOUD_ID_EXPIRED' }
    }
    return { ok: true, data: JSON.parse(JSON.stringify(issued.data)) as Record<string, unknown> }
  }

  async code2Session(code: string): Promise<SessionResult> {
    this.calls.push(`code2Session:${code}`)
    const session = this.codes.get(code)
    // Codes are single-use on the platform.
    this.codes.delete(code)
    if (!session) return { ok: false, errcode: 40029, errmsg: 'invalid code' }
    return { ok: true, openid: session.openid, sessionKey: session.sessionKey }
  }
}

/** Encrypts open data the way WeChat does for getShareInfo/getGroupEnterInfo (legacy path). */
export function encryptOpenData(
  sessionKey: string,
  data: Record<string, unknown>,
): { encryptedData: string; iv: string } {
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), iv)
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()])
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') }
}
