// Seam: the leaderboard function through router.handle on SQLite and on CloudBase over the
// stand-in: rows 1 (membership ages out), 3 (plausible scores), 4 (every action rate-limited) and
// 7 (weak salts) of issue 13's outside probe.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { openSqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import type { ActionDeps } from '../../cloudfunctions/core/deps'
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../cloudfunctions/core/rate-limit'
import { handle } from '../../cloudfunctions/core/router'
import { loadDingTalkConfig } from '../../cloudfunctions/dingtalk/dingtalk-config'
import { loadServerConfig } from '../../cloudfunctions/leaderboard/server-config'
import {
  type ActionName,
  type Envelope,
  PROOF_MAX_AGE_MS,
  ROUND_DURATION_MS,
} from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { createCloudDbStandin } from './support/cloud-db-standin'
import { FakeOpenApi } from './support/fake-open-api'

const APPID = 'wxproberows000001'
/** Wednesday 2024-05-15 12:00:00 in Shanghai, at the start of a rate-limit minute. */
const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)
const DAY = 24 * 60 * 60 * 1000
const UNLIMITED = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((bucket) => [bucket, { limit: 1e9, windowMs: 60_000 }]),
) as RateLimits

function rig(kind: 'sqlite' | 'cloudbase', rateLimits: Partial<RateLimits> = UNLIMITED) {
  let now = T0
  const clock = { now: () => now }
  const openApi = new FakeOpenApi(APPID, clock)
  const sqlite = kind === 'sqlite' ? openSqliteStore({ filename: ':memory:' }) : null
  const deps: ActionDeps = {
    store: sqlite ?? createCloudbaseStore(createCloudDbStandin().db),
    openApi,
    clock,
    logger: { error: (message, detail) => console.error(message, detail) },
    memberKeySalt: 'probe-rows-salt-Qw7Zp3Xk9Lm2Vr8T',
    rateLimits,
  }
  const call = async (openid: string, action: ActionName, input: Record<string, unknown> = {}) =>
    (await handle(
      JSON.parse(JSON.stringify({ action, ...input })),
      { openid, appid: APPID, unionid: null, env: null },
      deps,
    )) as Envelope<Record<string, unknown>>
  const ok = async (openid: string, action: ActionName, input: Record<string, unknown> = {}) => {
    const answer = await call(openid, action, input)
    if (!answer.ok) throw new Error(`${action}: ${answer.error.code} ${answer.error.message}`)
    return answer.data
  }
  const enter = (openid: string, groupId: string) =>
    ok(openid, 'enterGroup', {
      groupInfo: {
        cloudID: openApi.issueGroupCloudId(openid, { opengid: groupId, chat_type: 3 }),
        data: {},
      },
    })
  const startRound = async (openid: string) => String((await ok(openid, 'startRound')).roundToken)
  return {
    deps,
    call,
    ok,
    enter,
    startRound,
    advance: (ms: number) => (now += ms),
    snapshot: () => sqlite?.snapshot(),
    close: () => sqlite?.close(),
  }
}

describe.each(['sqlite', 'cloudbase'] as const)('on %s', (kind) => {
  describe('row 1: membership ages out', () => {
    it('serves the group while the proof is younger than 30 days, then asks for the card again', async () => {
      const r = rig(kind)
      await r.enter('alice', 'G1')
      r.advance(5 * DAY)
      await r.enter('alice', 'G2')

      r.advance(PROOF_MAX_AGE_MS - 5 * DAY)
      const lastDay = await r.call('alice', 'getRanking', { groupId: 'G1' })
      r.advance(1)
      const aged = await r.call('alice', 'getRanking', { groupId: 'G1' })
      const stillFresh = await r.call('alice', 'getRanking', { groupId: 'G2' })
      const listed = await r.ok('alice', 'listMyGroups')

      expect(lastDay.ok).toBe(true)
      expect(aged).toEqual({
        ok: false,
        error: { code: 'PROOF_EXPIRED', message: expect.any(String) },
      })
      expect(stillFresh.ok).toBe(true)
      expect(listed.groups).toEqual([
        expect.objectContaining({ groupId: 'G1', proofExpired: true }),
        expect.not.objectContaining({ proofExpired: expect.anything() }),
      ])

      // Opening the group's card again is a fresh proof; the membership (and join time) stay.
      await r.enter('alice', 'G1')
      const renewed = await r.call('alice', 'getRanking', { groupId: 'G1' })
      const relisted = await r.ok('alice', 'listMyGroups')

      expect(renewed.ok).toBe(true)
      expect(relisted.groups).toEqual([
        { groupId: 'G1', memberCount: 1, myRank: null, myScore: null, joinedAt: T0 },
        expect.objectContaining({ groupId: 'G2' }),
      ])
      r.close()
    })

    it('honours a configured proof age', async () => {
      const r = rig(kind)
      r.deps.proofMaxAgeMs = 60 * 60_000
      await r.enter('alice', 'G1')
      r.advance(60 * 60_000 + 1)

      const aged = await r.call('alice', 'getRanking', { groupId: 'G1' })

      expect(aged).toMatchObject({ ok: false, error: { code: 'PROOF_EXPIRED' } })
      r.close()
    })

    it('takes a leave into effect at once', async () => {
      const r = rig(kind)
      await r.enter('alice', 'G1')
      await r.ok('alice', 'leaveGroup', { groupId: 'G1' })

      const after = await r.call('alice', 'getRanking', { groupId: 'G1' })

      expect(after).toMatchObject({ ok: false, error: { code: 'NOT_GROUP_MEMBER' } })
      expect((await r.ok('alice', 'listMyGroups')).groups).toEqual([])
      r.close()
    })
  })

  describe('row 3: plausible scores', () => {
    it('tells a client without a tap timeline to update, and records nothing', async () => {
      const r = rig(kind)
      await r.enter('mallory', 'G1')
      const token = await r.startRound('mallory')
      r.advance(ROUND_DURATION_MS)

      const posted = await r.call('mallory', 'submitScore', {
        roundToken: token,
        score: 200,
        requestId: 'req-never-played',
      })
      const ranking = await r.ok('mallory', 'getRanking', { groupId: 'G1' })

      expect(posted).toMatchObject({ ok: false, error: { code: 'CLIENT_OUTDATED' } })
      expect(ranking.rows).toEqual([])
      r.close()
    })

    it.each([
      ['200 taps in the first second', 200, Array.from({ length: 200 }, (_, i) => i * 5)],
      ['21 taps within one second', 21, Array.from({ length: 21 }, (_, i) => 100 + i * 45)],
      ['fewer taps than the score', 50, evenTapTimeline(49, ROUND_DURATION_MS)],
      ['taps out of order', 3, [300, 200, 900]],
      ['two taps at the same instant', 3, [300, 300, 900]],
      ['a tap after the round ended', 2, [500, ROUND_DURATION_MS + 1]],
    ])('refuses %s as implausible and counts it against the player', async (_name, score, taps) => {
      const r = rig(kind)
      await r.enter('mallory', 'G1')
      const token = await r.startRound('mallory')
      r.advance(ROUND_DURATION_MS)

      const first = await r.call('mallory', 'submitScore', {
        roundToken: token,
        score,
        taps,
        requestId: 'req-bot-0001',
      })
      const second = await r.call('mallory', 'submitScore', {
        roundToken: token,
        score,
        taps,
        requestId: 'req-bot-0002',
      })
      const counted = await r.deps.store.peekRateLimit({
        openid: 'mallory',
        bucket: 'implausibleRounds',
        windowStart: 0,
        limit: 2,
      })
      // The round was not used up: an honest timeline for it is still taken.
      const honest = await r.call('mallory', 'submitScore', {
        roundToken: token,
        score: 20,
        taps: evenTapTimeline(20, ROUND_DURATION_MS),
        requestId: 'req-honest-01',
      })

      expect(first).toMatchObject({ ok: false, error: { code: 'SCORE_IMPLAUSIBLE' } })
      expect(second).toMatchObject({ ok: false, error: { code: 'SCORE_IMPLAUSIBLE' } })
      expect(counted).toBe(false) // two implausible rounds on record
      expect(honest).toMatchObject({ ok: true, data: { score: 20, applied: true } })
      r.close()
    })

    it('takes the fastest human round: 20 taps in every second', async () => {
      const r = rig(kind)
      await r.enter('alice', 'G1')
      const token = await r.startRound('alice')
      r.advance(ROUND_DURATION_MS)

      const fastest = await r.call('alice', 'submitScore', {
        roundToken: token,
        score: 200,
        taps: Array.from({ length: 200 }, (_, i) => i * 50),
        requestId: 'req-fastest-1',
      })

      expect(fastest).toMatchObject({ ok: true, data: { score: 200, applied: true } })
      r.close()
    })
  })

  describe('row 4: every action is rate-limited per user', () => {
    const TWO: RateLimits = Object.fromEntries(
      Object.keys(DEFAULT_RATE_LIMITS).map((bucket) => [bucket, { limit: 2, windowMs: 60_000 }]),
    ) as RateLimits

    const calls: Array<[ActionName, (r: ReturnType<typeof rig>) => Promise<Envelope<unknown>>]> = [
      [
        'enterGroup',
        (r) =>
          r.call('alice', 'enterGroup', {
            groupInfo: {
              cloudID: (r.deps.openApi as FakeOpenApi).issueGroupCloudId('alice', {
                opengid: 'G1',
                chat_type: 3,
              }),
              data: {},
            },
          }),
      ],
      ['getRanking', (r) => r.call('alice', 'getRanking', { groupId: 'G1' })],
      ['updateProfile', (r) => r.call('alice', 'updateProfile', { nickname: 'Alice' })],
      ['getProfile', (r) => r.call('alice', 'getProfile')],
      ['listMyGroups', (r) => r.call('alice', 'listMyGroups')],
      ['leaveGroup', (r) => r.call('alice', 'leaveGroup', { groupId: 'G9' })],
      ['startRound', (r) => r.call('alice', 'startRound')],
    ]

    it.each(calls)(
      '%s: answers RATE_LIMITED with the time to wait, other users unaffected, then recovers',
      // deleteMyData takes its hit too, but erasing the player erases the counter with it.
      async (action, run) => {
        const r = rig(kind, TWO)
        if (action === 'getRanking') await r.enter('alice', 'G1')
        r.advance(15_000) // a quarter into the minute
        for (let i = 0; i < 2; i++) expect((await run(r)).ok).toBe(true)

        const limited = await run(r)
        const otherUser = await r.call('bob', 'getProfile')
        r.advance(45_000)
        const nextWindow = await run(r)

        expect(limited).toEqual({
          ok: false,
          error: { code: 'RATE_LIMITED', message: expect.any(String), retryAfterMs: 45_000 },
        })
        expect(otherUser.ok).toBe(true)
        expect(nextWindow.ok).toBe(true)
        r.close()
      },
    )

    it('keeps its default limits above what a member does by hand', () => {
      expect(DEFAULT_RATE_LIMITS.getRanking.limit).toBeGreaterThanOrEqual(60)
      for (const rule of Object.values(DEFAULT_RATE_LIMITS)) {
        expect(rule.windowMs).toBe(60_000)
        expect(rule.limit).toBeGreaterThanOrEqual(5)
      }
    })
  })
})

describe('row 7: weak salts are refused at start-up', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-salt-'))
  })

  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const withFile = (config: Record<string, unknown>) =>
    writeFileSync(join(dir, 'server-config.json'), JSON.stringify(config))

  it('refuses the example placeholder and names the file', () => {
    withFile({ memberKeySalt: 'replace-with-at-least-16-random-characters' })

    expect(() => loadServerConfig(dir, {})).toThrow(
      `memberKeySalt in ${join(dir, 'server-config.json')} is still the placeholder`,
    )
  })

  it.each(['a'.repeat(16), 'a'.repeat(64), 'test-salt-0123456789', 'ab'.repeat(20)])(
    'refuses %s as under 128 bits',
    (salt) => {
      expect(() => loadServerConfig(dir, { LEADERBOARD_MEMBER_KEY_SALT: salt })).toThrow(
        /LEADERBOARD_MEMBER_KEY_SALT carries about \d+ bits of entropy, fewer than 128/,
      )
    },
  )

  it('takes 32 random characters or 32 hex digits', () => {
    for (const salt of ['Hk3-vQ9_zT2mW7pLx4RcN8yB6fJ1sD5a', '3f9a0c7e1b2d4f6a8c0e2b4d6f8a0c1e']) {
      expect(loadServerConfig(dir, { LEADERBOARD_MEMBER_KEY_SALT: salt }).memberKeySalt).toBe(salt)
    }
  })

  it('refuses the DingTalk entry’s placeholder session secret', () => {
    withFile({
      memberKeySalt: 'Hk3-vQ9_zT2mW7pLx4RcN8yB6fJ1sD5a',
      dingtalkCorpId: 'ding0123',
      dingtalkAppKey: 'key',
      dingtalkAppSecret: 'secret',
      dingtalkSessionSecret: 'replace-with-at-least-32-random-characters',
    })

    expect(() => loadDingTalkConfig(dir, {})).toThrow(
      `dingtalkSessionSecret in ${join(dir, 'server-config.json')} is still the placeholder`,
    )
  })
})
