import { createDecipheriv } from 'node:crypto'

/**
 * WeChat's legacy open-data decryption (the official WXBizDataCrypt sample): AES-128-CBC with
 * PKCS#7 padding, key = base64(session_key), iv = base64(iv). Error codes follow the sample so
 * logs can be matched against WeChat's documentation.
 */
export const WX_BIZ_ERRORS = {
  illegalAesKey: -41001,
  illegalIv: -41002,
  illegalBuffer: -41003,
  decodeBase64Error: -41004,
} as const

export type WxBizErrorCode = (typeof WX_BIZ_ERRORS)[keyof typeof WX_BIZ_ERRORS]

export type DecryptResult =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; errcode: WxBizErrorCode; message: string }

/** Strict base64 (standard alphabet, canonical padding); Buffer.from alone accepts junk. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function decodeBase64(value: string): Buffer | null {
  return BASE64.test(value) ? Buffer.from(value, 'base64') : null
}

function failure(errcode: WxBizErrorCode, message: string): DecryptResult {
  return { ok: false, errcode, message }
}

/** Decrypts without judging the watermark; callers decide what a foreign appid means. */
export function decryptOpenData(
  sessionKey: string,
  encryptedData: string,
  iv: string,
): DecryptResult {
  if (sessionKey.length !== 24) return failure(WX_BIZ_ERRORS.illegalAesKey, 'illegal AES key')
  const key = decodeBase64(sessionKey)
  if (key === null || key.length !== 16) {
    return failure(WX_BIZ_ERRORS.illegalAesKey, 'illegal AES key')
  }
  if (iv.length !== 24) return failure(WX_BIZ_ERRORS.illegalIv, 'illegal iv')
  const ivBytes = decodeBase64(iv)
  if (ivBytes === null || ivBytes.length !== 16) {
    return failure(WX_BIZ_ERRORS.illegalIv, 'illegal iv')
  }
  const cipherText = decodeBase64(encryptedData)
  if (cipherText === null) return failure(WX_BIZ_ERRORS.decodeBase64Error, 'base64 decode error')
  if (cipherText.length === 0 || cipherText.length % 16 !== 0) {
    return failure(WX_BIZ_ERRORS.illegalBuffer, 'illegal buffer')
  }
  let plain: string
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, ivBytes)
    decipher.setAutoPadding(true)
    plain = Buffer.concat([decipher.update(cipherText), decipher.final()]).toString('utf8')
  } catch {
    // Wrong key or iv shows up as bad PKCS#7 padding.
    return failure(WX_BIZ_ERRORS.illegalBuffer, 'illegal buffer')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(plain)
  } catch {
    return failure(WX_BIZ_ERRORS.illegalBuffer, 'illegal buffer')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return failure(WX_BIZ_ERRORS.illegalBuffer, 'illegal buffer')
  }
  return { ok: true, data: parsed as Record<string, unknown> }
}

/** The official sample's interface: also rejects data whose watermark names another app. */
export class WXBizDataCrypt {
  constructor(
    private readonly appId: string,
    private readonly sessionKey: string,
  ) {}

  decryptData(encryptedData: string, iv: string): DecryptResult {
    const result = decryptOpenData(this.sessionKey, encryptedData, iv)
    if (!result.ok) return result
    const watermark = result.data.watermark
    const appid =
      typeof watermark === 'object' && watermark !== null
        ? (watermark as Record<string, unknown>).appid
        : undefined
    if (appid !== this.appId) return failure(WX_BIZ_ERRORS.illegalBuffer, 'illegal buffer')
    return result
  }
}
