// Seam: WXBizDataCrypt (legacy open-data decryption) against WeChat's official sample vector.
import { createCipheriv } from 'node:crypto'

import {
  decryptOpenData,
  WX_BIZ_ERRORS,
  WXBizDataCrypt,
} from '../../cloudfunctions/core/wx-biz-data-crypt'

// The official sample of the WeChat documentation (demo.js / demo.php of WXBizDataCrypt).
const APP_ID = 'wx4f4bc4dec97d474b'
const SESSION_KEY = 'tiihtNczf5v6AKRyjwEUhQ=='
const IV = 'r7BXXKkLb8qrSNn05n0qiA=='
const ENCRYPTED_DATA =
  'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+' +
  '3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6' +
  '/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs' +
  '8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns' +
  '/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG' +
  '20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew=='

function encrypt(plain: string): string {
  const cipher = createCipheriv(
    'aes-128-cbc',
    Buffer.from(SESSION_KEY, 'base64'),
    Buffer.from(IV, 'base64'),
  )
  return Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]).toString('base64')
}

describe('WXBizDataCrypt', () => {
  it('decrypts the official sample vector', () => {
    const result = new WXBizDataCrypt(APP_ID, SESSION_KEY).decryptData(ENCRYPTED_DATA, IV)

    expect(result).toEqual({
      ok: true,
      data: expect.objectContaining({
        openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
        watermark: { appid: APP_ID, timestamp: 1477314187 },
      }),
    })
  })

  it.each([
    ['-41001 for a session key that is not 24 characters', 'abc', ENCRYPTED_DATA, IV, -41001],
    [
      '-41001 for a 24-character session key that is not base64',
      '!'.repeat(24),
      ENCRYPTED_DATA,
      IV,
      -41001,
    ],
    ['-41002 for an iv that is not 24 characters', SESSION_KEY, ENCRYPTED_DATA, 'abc', -41002],
    [
      '-41002 for a 24-character iv that is not base64',
      SESSION_KEY,
      ENCRYPTED_DATA,
      '*'.repeat(24),
      -41002,
    ],
    [
      '-41003 for data encrypted with another key',
      'AAAAAAAAAAAAAAAAAAAAAA==',
      ENCRYPTED_DATA,
      IV,
      -41003,
    ],
    ['-41003 for ciphertext that is not whole blocks', SESSION_KEY, 'AAAA', IV, -41003],
    ['-41003 for plaintext that is not JSON', SESSION_KEY, encrypt('not json'), IV, -41003],
    ['-41003 for JSON that is not an object', SESSION_KEY, encrypt('[1,2]'), IV, -41003],
    ['-41004 for encryptedData that is not base64', SESSION_KEY, 'not base64!', IV, -41004],
  ])('returns %s', (_name, sessionKey, encryptedData, iv, errcode) => {
    const result = decryptOpenData(sessionKey, encryptedData, iv)

    expect(result).toEqual({ ok: false, errcode, message: expect.any(String) })
  })

  it('returns -41003 when the watermark names another mini program', () => {
    const result = new WXBizDataCrypt('wxanotherapp', SESSION_KEY).decryptData(ENCRYPTED_DATA, IV)

    expect(result).toMatchObject({ ok: false, errcode: WX_BIZ_ERRORS.illegalBuffer })
  })
})
