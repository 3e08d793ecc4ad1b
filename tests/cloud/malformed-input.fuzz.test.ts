// Seam: router.handle under generated malformed input (fast-check): typed errors, store untouched.
import { randomBytes } from 'node:crypto'

import fc from 'fast-check'

import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../cloudfunctions/core/rate-limit'
import { handle } from '../../cloudfunctions/core/router'
import {
  type ActionName,
  ERROR_CODES,
  type ErrorCode,
  ROUND_DURATION_MS,
} from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { encryptOpenData } from './support/fake-open-api'
import {
  APPID,
  caller,
  createRouterHarness,
  type RouterHarness,
  T0,
} from './support/router-harness'

const RUNS_PER_ACTION = 2000
/** Generated calls come by the thousand at one instant; the limits are tested elsewhere. */
const UNLIMITED = Object.fromEntries(
  Object.keys(DEFAULT_RATE_LIMITS).map((bucket) => [bucket, { limit: 1e9, windowMs: 60_000 }]),
) as RateLimits
const LOCAL_PREFIX = 'http://127.0.0.1:8787/files/'
const NOW = T0 + 60_000

/** Values of every JSON type and then some (undefined, NaN, -0, nested, large). */
const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constant('x'.repeat(100_000)),
  fc.constant(Number.NaN),
  fc.constant(-0),
  fc.constant(1e308),
  fc.constant({ $ne: null }),
  fc.constant(['G1']),
)

/** A caller without a usable openid: not called from a signed-in mini program. */
const anonymous = fc.constantFrom<Array<string | null>>(null, '', 'x'.repeat(129))

/** Client-sent identity fields that must be ignored whatever they say. */
const forgedIdentity = fc.record(
  {
    openid: fc.constantFrom('bob', 'carol'),
    groupId: fc.constant('G2'),
    opengid: fc.constant('G2'),
  },
  { requiredKeys: [] },
)

const notAbsent = junk.filter((value) => value !== undefined && value !== null)

interface Case {
  openid: string | null
  event: unknown
}

describe('malformed input never throws and never writes', () => {
  let h: RouterHarness
  let fixture: Awaited<ReturnType<typeof buildFixture>>

  async function buildFixture() {
    h.setNow(T0 - 10 * 60_000)
    const expiredCloudId = h.openApi.issueGroupCloudId('alice', { opengid: 'G9', chat_type: 3 })
    h.setNow(T0)
    await h.enter('alice', 'G1')
    await h.enter('bob', 'G1')
    await h.enter('bob', 'G2')
    await h.enter('carol', 'G2')
    await h.play('alice', 50)
    await h.play('bob', 70)
    const used = await h.expectOk('alice', 'startRound')
    h.advance(10_000)
    await h.expectOk('alice', 'submitScore', {
      roundToken: used.roundToken,
      score: 30,
      requestId: 'req-used-0001',
      taps: evenTapTimeline(30, ROUND_DURATION_MS),
    })
    h.setNow(NOW - 3 * 60_000)
    const expired = await h.expectOk('alice', 'startRound')
    const bobs = await h.expectOk('bob', 'startRound')
    h.setNow(NOW - 5_000)
    const early = await h.expectOk('alice', 'startRound')
    h.setNow(NOW)
    for (let i = 0; i < 3; i++) await h.expectOk('limited', 'startRound')
    await h.expectOk('alice', 'updateProfile', { nickname: 'Alice' })
    const sessionKey = randomBytes(16).toString('base64')
    return {
      sessionKey,
      cloudIds: {
        validG3: h.openApi.issueGroupCloudId('alice', { opengid: 'G3', chat_type: 3 }),
        expired: expiredCloudId,
        bobs: h.openApi.issueGroupCloudId('bob', { opengid: 'G2', chat_type: 3 }),
        otherApp: h.openApi.issueGroupCloudId('alice', { opengid: 'G2' }, { appid: 'wxother' }),
        singleChat: h.openApi.issueGroupCloudId('alice', { open_single_roomid: 'R', chat_type: 1 }),
        noGroup: h.openApi.issueGroupCloudId('alice', { chat_type: 3 }),
      },
      tokens: {
        used: used.roundToken,
        expired: expired.roundToken,
        bobs: bobs.roundToken,
        early: early.roundToken,
      },
    }
  }

  beforeAll(async () => {
    h = createRouterHarness({
      localFileUrlPrefixes: [LOCAL_PREFIX],
      rateLimits: {
        ...UNLIMITED,
        startRound: { limit: 3, windowMs: 60 * 60_000 },
        submitScore: { limit: 1000, windowMs: 60_000 },
      },
    })
    fixture = await buildFixture()
  })

  afterAll(() => h.close())

  /**
   * Runs the generated cases: every answer is an envelope; a failure carries one of `allowed`;
   * nothing is ever written; nothing reaches the INTERNAL path. `mayPass` lists actions whose
   * generated input can legitimately succeed without writing (reads, idempotent no-ops).
   */
  async function check(
    action: ActionName,
    cases: fc.Arbitrary<Case>,
    allowed: ErrorCode[],
    mayPass = false,
  ) {
    // Every call that gets past input validation counts against its caller's rate limit, and an
    // implausible round against its player (issue 13): those counters are all it may write.
    const data = () => JSON.stringify({ ...h.snapshot(), rate_limits: undefined })
    const before = data()
    let failures = 0
    await fc.assert(
      fc.asyncProperty(cases, async ({ openid, event }) => {
        let result: Awaited<ReturnType<typeof handle>>
        try {
          result = await handle(event, caller(openid), h.deps)
        } catch (error) {
          throw new Error(`${action}: handle threw ${String(error)}`)
        }
        expect(typeof result.ok).toBe('boolean')
        if (result.ok) {
          expect(mayPass).toBe(true)
        } else {
          failures++
          expect(ERROR_CODES).toContain(result.error.code)
          expect(allowed).toContain(result.error.code)
          expect(typeof result.error.message).toBe('string')
        }
        expect(data()).toBe(before)
        expect(h.errors).toEqual([])
      }),
      { numRuns: RUNS_PER_ACTION },
    )
    expect(failures).toBeGreaterThan(0)
  }

  const withAction = (action: ActionName) => (input: Record<string, unknown>) => ({
    action,
    ...input,
  })

  it('enterGroup', async () => {
    const { cloudIds, sessionKey } = fixture
    const forgedCloudId = fc.oneof(
      fc.constant({ cloudID: 'forged', data: { opengid: 'G2', watermark: { appid: APPID } } }),
      fc.record({ cloudID: fc.string({ maxLength: 40 }), data: junk }),
      fc.record({ cloudID: notAbsent.filter((v) => typeof v !== 'string'), data: junk }),
      fc.constantFrom(
        ...[
          cloudIds.expired,
          cloudIds.bobs,
          cloudIds.otherApp,
          cloudIds.singleChat,
          cloudIds.noGroup,
        ].map((cloudID) => ({ cloudID, data: { opengid: 'G1', watermark: { appid: APPID } } })),
      ),
      // Not replaced by the runtime: a nested or plain-string CloudID.
      fc.constantFrom(cloudIds.validG3, 'forged'),
      notAbsent.filter((v) => typeof v !== 'object'),
      fc.array(fc.constant({ cloudID: cloudIds.validG3 }), { minLength: 1, maxLength: 2 }),
    )
    const byCloudId = fc
      .record({
        groupInfo: forgedCloudId,
        identity: forgedIdentity,
        period: fc.option(fc.constantFrom('today', 'week', 'all'), { nil: undefined }),
      })
      .map(({ groupInfo, identity, period }) => ({ groupInfo, ...identity, period }))
    // A valid CloudID, but something else in the request is wrong.
    const validCloudIdBadRest = fc.oneof(
      fc.record({
        groupInfo: fc.constant({ cloudID: cloudIds.validG3, data: {} }),
        period: notAbsent.filter((v) => !['today', 'week', 'all'].includes(v as string)),
      }),
      fc.record({
        groupInfo: fc.constant({ cloudID: cloudIds.validG3, data: {} }),
        pageSize: notAbsent.filter(
          (v) => !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 100),
        ),
      }),
      fc.record({
        groupInfo: fc.constant({ cloudID: cloudIds.validG3, data: {} }),
        code: notAbsent,
      }),
      fc.constant({ nested: { groupInfo: { cloudID: cloudIds.validG3, data: {} } } }),
    )
    // Every payload is unusable (foreign watermark, single chat, no group id), so no combination
    // of code, data and iv may bind anyone.
    const payloads = [
      { opengid: 'G2', watermark: { appid: 'wxother' } },
      { chat_type: 1, open_single_roomid: 'R', watermark: { appid: APPID } },
      { chat_type: 3, watermark: { appid: APPID } },
      { opengid: 'G2' },
    ].map((data) => encryptOpenData(sessionKey, data))
    const legacy = fc
      .record({
        payload: fc.constantFrom(...payloads),
        encryptedData: fc.option(junk, { freq: 3 }),
        iv: fc.oneof(
          fc.constant('matching'),
          junk,
          fc.constant(randomBytes(16).toString('base64')),
        ),
        code: fc.oneof(fc.constantFrom('alice-code', 'bob-code', 'unknown-code'), junk),
      })
      .map(({ payload, encryptedData, iv, code }) => ({
        encryptedData: encryptedData ?? payload.encryptedData,
        iv: iv === 'matching' ? payload.iv : iv,
        // Live codes: alice's decrypts for the caller, bob's belongs to another user.
        code:
          code === 'alice-code'
            ? h.openApi.issueLoginCode('alice', sessionKey)
            : code === 'bob-code'
              ? h.openApi.issueLoginCode('bob', sessionKey)
              : code,
      }))
    const cases = fc.oneof(
      fc.record({ openid: fc.constant('alice'), event: byCloudId.map(withAction('enterGroup')) }),
      fc.record({
        openid: fc.constant('alice'),
        event: validCloudIdBadRest.map(withAction('enterGroup')),
      }),
      fc.record({ openid: fc.constant('alice'), event: legacy.map(withAction('enterGroup')) }),
      fc.record({ openid: anonymous, event: byCloudId.map(withAction('enterGroup')) }),
    )

    await check('enterGroup', cases, [
      'INVALID_INPUT',
      'UNAUTHENTICATED',
      'CLOUD_ID_INVALID',
      'CLOUD_ID_EXPIRED',
      'CLOUD_ID_NOT_OWNED',
      'OPEN_DATA_INVALID',
      'WATERMARK_MISMATCH',
      'NOT_A_GROUP',
      'SESSION_INVALID',
    ])
  }, 120_000)

  it('getRanking', async () => {
    const wellFormed = fc.record(
      {
        period: fc.constantFrom('today', 'week', 'all'),
        pageSize: fc.integer({ min: 1, max: 100 }),
      },
      { requiredKeys: [] },
    )
    const input = fc.oneof(
      // Well-formed requests for groups the caller is not in, e.g. another group's opengid.
      fc
        .tuple(fc.constantFrom('G2', 'G3', 'G9'), wellFormed)
        .map(([groupId, rest]) => ({ groupId, ...rest })),
      // The caller's own group with a tampered or foreign cursor.
      fc
        .tuple(fc.oneof(fc.base64String(), fc.string({ unit: 'binary' }), junk), wellFormed)
        .map(([cursor, rest]) => ({ groupId: 'G1', cursor, ...rest })),
      fc.record(
        {
          groupId: fc.oneof(junk, fc.constantFrom('G1', 'G1 ', 'g1', 'G'.repeat(65))),
          period: fc.oneof(junk, fc.constantFrom('today', 'week', 'all')),
          cursor: junk,
          pageSize: fc.oneof(junk, fc.integer({ min: -5, max: 200 })),
        },
        { requiredKeys: [] },
      ),
    )
    const cases = fc.oneof(
      fc.record({
        openid: fc.constantFrom('alice', 'carol'),
        event: input.map(withAction('getRanking')),
      }),
      fc.record({ openid: anonymous, event: input.map(withAction('getRanking')) }),
    )

    await check('getRanking', cases, ['INVALID_INPUT', 'UNAUTHENTICATED', 'NOT_GROUP_MEMBER'], true)
  }, 120_000)

  it('startRound', async () => {
    const cases = fc.record({
      openid: fc.oneof(anonymous, fc.constant('limited')),
      event: fc
        .dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 4 })
        .map(withAction('startRound')),
    })

    await check('startRound', cases, ['UNAUTHENTICATED', 'RATE_LIMITED'])
  }, 120_000)

  it('submitScore', async () => {
    const { tokens } = fixture
    const token = fc.oneof(
      junk,
      fc.constantFrom(tokens.used, tokens.expired, tokens.bobs, tokens.early),
      fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
    )
    // Tap timelines (issue 13): the score's own plausible one, and every way one can be wrong.
    const timeline = (score: unknown) =>
      fc.oneof(
        fc.constant(
          typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= 200
            ? evenTapTimeline(score, ROUND_DURATION_MS)
            : [],
        ),
        fc.array(fc.integer({ min: 0, max: 12_000 }), { maxLength: 210 }),
        fc
          .array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 210 })
          .map((gaps) => gaps.map((_, i) => gaps.slice(0, i + 1).reduce((a, b) => a + b, 0))),
        fc.integer({ min: 21, max: 200 }).map((n) => Array.from({ length: n }, (_, i) => i * 10)),
        fc.array(fc.oneof(junk, fc.double(), fc.integer({ min: -5, max: 5 })), { maxLength: 8 }),
        fc.constant(Array.from({ length: 5000 }, (_, i) => i)),
        junk,
      )
    const wellFormed = fc
      .record({
        roundToken: fc.oneof(
          fc.constantFrom(tokens.used, tokens.expired, tokens.bobs, tokens.early),
          fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
        ),
        score: fc.integer({ min: 0, max: 400 }),
        requestId: fc.constantFrom('req-other-0001', 'req-used-0001', 'req-another-02'),
      })
      .chain((fields) => timeline(fields.score).map((taps) => ({ ...fields, taps })))
    const input = fc.oneof(
      wellFormed,
      fc.record(
        {
          roundToken: token,
          score: fc.oneof(junk, fc.integer({ min: -10, max: 1000 }), fc.double()),
          requestId: fc.oneof(junk, fc.constantFrom('req-other-0001', 'short', 'req-used-0001')),
          taps: timeline(undefined),
        },
        { requiredKeys: [] },
      ),
    )
    const cases = fc.oneof(
      {
        arbitrary: fc.record({
          openid: fc.constant('alice'),
          event: input.map(withAction('submitScore')),
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({ openid: anonymous, event: input.map(withAction('submitScore')) }),
        weight: 1,
      },
    )

    // The used round with its own request id replays the stored answer: a success, no write.
    await check(
      'submitScore',
      cases,
      [
        'INVALID_INPUT',
        'UNAUTHENTICATED',
        'ROUND_NOT_FOUND',
        'ROUND_ALREADY_USED',
        'ROUND_EXPIRED',
        'CLIENT_OUTDATED',
        'SCORE_IMPLAUSIBLE',
      ],
      true,
    )
  }, 120_000)

  it('updateProfile', async () => {
    const word = fc.string({ minLength: 1, maxLength: 5 }).map((s) => `x${s.trim()}x`)
    const badNickname = fc.oneof(
      notAbsent.filter((v) => typeof v !== 'string'),
      fc
        .tuple(word, fc.constantFrom('\u0000', '\n', '\u0007', '\u0085', '\uD800', '\u2028'), word)
        .map((parts) => parts.join('')),
      // Names with nothing to see: invisible format characters, fillers and spaces only.
      fc
        .array(
          fc.constantFrom(
            '\u200B',
            '\u3164',
            '\uFEFF',
            '\u00AD',
            '\u202E',
            '\u2066',
            '\u200F',
            '\u200D',
            '\u3000',
            ' ',
            '\u2800',
          ),
          { minLength: 1, maxLength: 30 },
        )
        .map((chars) => chars.join('')),
      fc
        .array(fc.constantFrom('a', '😀', '中', 'é'), { minLength: 21, maxLength: 80 })
        .map((chars) => chars.join('')),
      fc.constantFrom('', ' ', '\u3000', ' \t ', 'x'.repeat(100_000)),
    )
    const badAvatar = fc.oneof(
      notAbsent.filter((v) => typeof v !== 'string'),
      fc.webUrl(),
      fc.string({ maxLength: 30 }).filter((s) => !s.startsWith('cloud://')),
      fc.constantFrom(
        'cloud://env.b/../etc/passwd',
        'cloud://',
        `cloud://env.b/${'a'.repeat(600)}`,
        'javascript:alert(1)',
        `${LOCAL_PREFIX}../secret`,
        LOCAL_PREFIX,
        'http://127.0.0.1:9999/files/a.png',
        `${LOCAL_PREFIX}a b.png`,
      ),
    )
    const goodOrAbsent = {
      nickname: fc.option(fc.constantFrom('Bob', '  ok  ')),
      avatarUrl: fc.option(fc.constantFrom('cloud://env.b/a.png', `${LOCAL_PREFIX}a.png`)),
    }
    const input = fc.oneof(
      fc.record({ nickname: badNickname, avatarUrl: goodOrAbsent.avatarUrl }),
      fc.record({ nickname: goodOrAbsent.nickname, avatarUrl: badAvatar }),
      fc.record({ nickname: badNickname, avatarUrl: badAvatar }),
      fc.dictionary(fc.constantFrom('nick', 'avatar', 'name'), junk, { maxKeys: 3 }),
    )
    const cases = fc.oneof(
      fc.record({ openid: fc.constant('alice'), event: input.map(withAction('updateProfile')) }),
      fc.record({
        openid: anonymous,
        event: fc.record({ nickname: goodOrAbsent.nickname }).map(withAction('updateProfile')),
      }),
    )

    await check('updateProfile', cases, ['INVALID_INPUT', 'UNAUTHENTICATED'])
  }, 120_000)

  it('getProfile', async () => {
    const cases = fc.record({
      openid: fc.oneof(anonymous, fc.constantFrom('alice', 'nobody')),
      event: fc
        .dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 4 })
        .map(withAction('getProfile')),
    })

    await check('getProfile', cases, ['UNAUTHENTICATED'], true)
  }, 120_000)

  it('listMyGroups', async () => {
    const cases = fc.record({
      openid: fc.oneof(anonymous, fc.constantFrom('alice', 'bob', 'nobody')),
      event: fc
        .dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 4 })
        .map(withAction('listMyGroups')),
    })

    await check('listMyGroups', cases, ['UNAUTHENTICATED'], true)
  }, 120_000)

  it('leaveGroup', async () => {
    // A well-formed id of a group alice is not in answers { left: false } and writes nothing.
    const input = fc.record(
      {
        groupId: fc.oneof(
          junk,
          fc.constantFrom('G2', 'G3', 'G1 ', 'G'.repeat(65), ''),
          fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).filter((id) => id !== 'G1'),
        ),
        openid: fc.constant('bob'),
      },
      { requiredKeys: [] },
    )
    const cases = fc.record({
      openid: fc.oneof(fc.constant('alice'), anonymous),
      event: input.map(withAction('leaveGroup')),
    })

    await check('leaveGroup', cases, ['INVALID_INPUT', 'UNAUTHENTICATED'], true)
  }, 120_000)

  it('deleteMyData', async () => {
    // Callers without a usable openid, or one with nothing stored: nothing may change.
    const cases = fc.record({
      openid: fc.oneof(anonymous, fc.constant('nobody')),
      event: fc
        .dictionary(fc.constantFrom('openid', 'groupId', 'all', 'x'), junk, { maxKeys: 3 })
        .map(withAction('deleteMyData')),
    })

    await check('deleteMyData', cases, ['UNAUTHENTICATED'], true)
  }, 120_000)
})
