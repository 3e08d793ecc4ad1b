// Seam: the enterGroup action through router.handle (SQLite store, fake WeChatOpenApi).
import { randomBytes } from 'node:crypto'

import { encryptOpenData } from './support/fake-open-api'
import { APPID, createRouterHarness, type RouterHarness } from './support/router-harness'

describe('enterGroup', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness()
  })

  afterEach(() => h.close())

  describe('with a CloudID', () => {
    it('binds the caller and answers with the first ranking page and the profile', async () => {
      const cloudID = h.openApi.issueGroupCloudId('alice', { opengid: 'G1', chat_type: 3 })

      const result = await h.call('alice', 'enterGroup', { groupInfo: { cloudID, data: {} } })

      expect(result).toEqual({
        ok: true,
        data: {
          joined: true,
          profile: { nickname: null, avatarUrl: null },
          ranking: {
            groupId: 'G1',
            period: 'all',
            rows: [],
            nextCursor: null,
            me: null,
            memberCount: 1,
            scoredCount: 0,
          },
        },
      })
    })

    it('is idempotent: entering again binds nothing new', async () => {
      await h.enter('alice', 'G1')

      const again = await h.enter('alice', 'G1')

      expect(again.joined).toBe(false)
      expect(again.ranking.memberCount).toBe(1)
    })

    it('uses only the platform-resolved data, never the data or ids the client sent', async () => {
      const cloudID = h.openApi.issueGroupCloudId('alice', { opengid: 'G1', chat_type: 3 })

      const result = await h.expectOk('alice', 'enterGroup', {
        groupInfo: { cloudID, data: { opengid: 'G2', watermark: { appid: APPID } } },
        groupId: 'G3',
        opengid: 'G4',
        openid: 'bob',
      })

      expect(result.ranking.groupId).toBe('G1')
      expect(await h.store.getMembership('G1', 'alice')).not.toBeNull()
      expect(await h.store.listMemberships('bob')).toEqual([])
      expect(h.snapshot().memberships).toHaveLength(1)
    })

    it('accepts getShareInfo data, which spells the group id openGId', async () => {
      const cloudID = h.openApi.issueGroupCloudId('alice', { openGId: 'GShare' })

      const result = await h.expectOk('alice', 'enterGroup', { groupInfo: { cloudID, data: {} } })

      expect(result.ranking.groupId).toBe('GShare')
    })

    it('honours period and pageSize for the first page', async () => {
      await h.enter('bob', 'G1')
      await h.play('bob', 30)

      const result = await h.enter('alice', 'G1', { period: 'today', pageSize: 1 })

      expect(result.ranking).toMatchObject({ period: 'today', memberCount: 2 })
      expect(result.ranking.rows).toHaveLength(1)
    })

    const refusals: Array<[string, (h: RouterHarness) => Record<string, unknown>, string]> = [
      [
        'a CloudID that was not replaced (nested or sent as a plain string)',
        (h) => ({ groupInfo: h.openApi.issueGroupCloudId('alice', { opengid: 'G1' }) }),
        'CLOUD_ID_INVALID',
      ],
      [
        'a forged CloudID object',
        () => ({
          groupInfo: { cloudID: 'forged', data: { opengid: 'G2', watermark: { appid: APPID } } },
        }),
        'CLOUD_ID_INVALID',
      ],
      ['a CloudID object without cloudID', () => ({ groupInfo: { data: {} } }), 'CLOUD_ID_INVALID'],
      [
        'a CloudID issued to another user',
        (h) => ({
          groupInfo: { cloudID: h.openApi.issueGroupCloudId('bob', { opengid: 'G1' }), data: {} },
        }),
        'CLOUD_ID_NOT_OWNED',
      ],
      [
        'open data from a single chat',
        (h) => ({
          groupInfo: {
            cloudID: h.openApi.issueGroupCloudId('alice', {
              open_single_roomid: 'R1',
              chat_type: 1,
            }),
            data: {},
          },
        }),
        'NOT_A_GROUP',
      ],
      [
        'open data watermarked for another mini program',
        (h) => ({
          groupInfo: {
            cloudID: h.openApi.issueGroupCloudId('alice', { opengid: 'G1' }, { appid: 'wxother' }),
            data: {},
          },
        }),
        'WATERMARK_MISMATCH',
      ],
      ['no group source at all', () => ({}), 'INVALID_INPUT'],
      [
        'both a CloudID and legacy data',
        (h) => ({
          groupInfo: { cloudID: h.openApi.issueGroupCloudId('alice', { opengid: 'G1' }), data: {} },
          code: 'c',
          encryptedData: 'e',
          iv: 'i',
        }),
        'INVALID_INPUT',
      ],
      [
        'a page size above the maximum',
        (h) => ({
          groupInfo: { cloudID: h.openApi.issueGroupCloudId('alice', { opengid: 'G1' }), data: {} },
          pageSize: 101,
        }),
        'INVALID_INPUT',
      ],
    ]

    it.each(refusals)('refuses %s and writes nothing', async (_name, input, code) => {
      const event = input(h)
      const before = h.snapshot()

      const result = await h.call('alice', 'enterGroup', event)

      expect(result).toEqual({ ok: false, error: { code, message: expect.any(String) } })
      expect(h.snapshot()).toEqual(before)
    })

    it('refuses a CloudID older than five minutes', async () => {
      const cloudID = h.openApi.issueGroupCloudId('alice', { opengid: 'G1' })
      h.advance(5 * 60 * 1000 + 1)

      const result = await h.call('alice', 'enterGroup', { groupInfo: { cloudID, data: {} } })

      expect(result).toMatchObject({ ok: false, error: { code: 'CLOUD_ID_EXPIRED' } })
    })

    it('refuses a caller without an openid', async () => {
      const result = await h.call(null, 'enterGroup', { groupInfo: { cloudID: 'x', data: {} } })

      expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    })
  })

  describe('with legacy encryptedData + iv + code', () => {
    const sessionKey = randomBytes(16).toString('base64')

    function legacy(openid: string, data: Record<string, unknown>, keyForCode = sessionKey) {
      const code = h.openApi.issueLoginCode(openid, keyForCode)
      return { code, ...encryptOpenData(sessionKey, data) }
    }

    /** WeChat stamps open data with the time it was issued, in seconds. */
    const issuedSecondsAgo = (seconds: number) => Math.floor(h.now() / 1000) - seconds

    it('decrypts with the session key of the caller and binds', async () => {
      const input = legacy('alice', {
        openGId: 'GL',
        watermark: { appid: APPID, timestamp: issuedSecondsAgo(1) },
      })

      const result = await h.expectOk('alice', 'enterGroup', input)

      expect(result).toMatchObject({ joined: true, ranking: { groupId: 'GL' } })
    })

    it('accepts data as old as a CloudID may be, plus the clock-skew allowance', async () => {
      const input = legacy('alice', {
        opengid: 'GL',
        watermark: { appid: APPID, timestamp: issuedSecondsAgo(5 * 60 + 59) },
      })

      await expect(h.expectOk('alice', 'enterGroup', input)).resolves.toMatchObject({
        joined: true,
      })
    })

    it.each([
      ['captured 7 days ago and replayed with a fresh login code', 7 * 86_400],
      ['older than a CloudID may live', 5 * 60 + 61],
      ['stamped in the future', -120],
      ['without a timestamp', undefined],
    ])('refuses open data %s, and binds nobody', async (_name, age) => {
      const timestamp = age === undefined ? undefined : issuedSecondsAgo(age)
      const input = legacy('alice', { opengid: 'GL', watermark: { appid: APPID, timestamp } })
      const before = h.snapshot()

      const result = await h.call('alice', 'enterGroup', input)

      expect(result).toMatchObject({
        ok: false,
        error: { code: timestamp === undefined ? 'OPEN_DATA_INVALID' : 'CLOUD_ID_EXPIRED' },
      })
      expect(h.snapshot()).toEqual(before)
    })

    it.each([
      ['a login code of another user', 'bob', APPID, undefined, 'SESSION_INVALID'],
      ['data from another mini program', 'alice', 'wxother', undefined, 'WATERMARK_MISMATCH'],
      [
        'data that does not decrypt with the session key',
        'alice',
        APPID,
        randomBytes(16).toString('base64'),
        'OPEN_DATA_INVALID',
      ],
    ])('refuses %s', async (_name, codeOwner, appid, keyForCode, code) => {
      const input = legacy(codeOwner, { opengid: 'GL', watermark: { appid } }, keyForCode)
      const before = h.snapshot()

      const result = await h.call('alice', 'enterGroup', input)

      expect(result).toMatchObject({ ok: false, error: { code } })
      expect(h.snapshot()).toEqual(before)
    })

    it('refuses a login code that was already used', async () => {
      const input = legacy('alice', {
        opengid: 'GL',
        watermark: { appid: APPID, timestamp: issuedSecondsAgo(0) },
      })
      await h.expectOk('alice', 'enterGroup', input)

      const replayed = await h.call('alice', 'enterGroup', input)

      expect(replayed).toMatchObject({ ok: false, error: { code: 'SESSION_INVALID' } })
    })
  })
})
