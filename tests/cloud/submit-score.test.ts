// Seam: startRound and submitScore through router.handle on SQLite (rounds, replay, rate limits).
import { ROUND_DURATION_MS } from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { createRouterHarness, type RouterHarness, T0 } from './support/router-harness'

/** The tap timeline an app sends with a score (evenly paced). */
const taps = (score: number) => evenTapTimeline(score, ROUND_DURATION_MS)

describe('startRound and submitScore', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness()
  })

  afterEach(() => h.close())

  async function start(openid = 'alice') {
    return h.expectOk(openid, 'startRound')
  }

  it('issues an unguessable one-use token with start, duration and expiry', async () => {
    const [one, two] = [await start(), await start()]

    expect(one).toEqual({
      roundToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      startedAt: T0,
      durationMs: ROUND_DURATION_MS,
      expiresAt: T0 + 120_000,
    })
    expect(two.roundToken).not.toBe(one.roundToken)
  })

  it('records the score as the player best in every period', async () => {
    await h.enter('alice', 'G1')
    const round = await start()
    h.advance(ROUND_DURATION_MS)

    const result = await h.call('alice', 'submitScore', {
      roundToken: round.roundToken,
      score: 42,
      taps: taps(42),
      requestId: 'request-0001',
    })

    expect(result).toEqual({
      ok: true,
      data: { score: 42, best: { today: 42, week: 42, all: 42 }, applied: true },
    })
  })

  it('replays a retry with the same request id: same answer, nothing written', async () => {
    const round = await start()
    h.advance(ROUND_DURATION_MS)
    const input = {
      roundToken: round.roundToken,
      score: 42,
      taps: taps(42),
      requestId: 'request-0001',
    }
    await h.expectOk('alice', 'submitScore', input)
    await h.play('alice', 60) // a later, better round
    const before = h.snapshot()
    h.advance(10 * 60_000) // even after the round expired

    const retry = await h.call('alice', 'submitScore', input)

    expect(retry).toEqual({
      ok: true,
      data: { score: 42, best: { today: 42, week: 42, all: 42 }, applied: false },
    })
    expect(h.snapshot()).toEqual(before)
  })

  it('lets many concurrent copies of one submission apply exactly once', async () => {
    const round = await start()
    h.advance(ROUND_DURATION_MS)
    const input = {
      roundToken: round.roundToken,
      score: 42,
      taps: taps(42),
      requestId: 'request-0001',
    }

    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.expectOk('alice', 'submitScore', input)),
    )

    expect(results.filter((result) => result.applied)).toHaveLength(1)
    expect(new Set(results.map((result) => JSON.stringify(result.best))).size).toBe(1)
  })

  // Every row has four entries: jest treats a missing trailing argument as a `done` callback.
  const refusals: Array<[string, (token: string) => Record<string, unknown>, string, number]> = [
    [
      'a score above what 10 s allows',
      (t) => ({ roundToken: t, score: 201, taps: taps(201) }),
      'SCORE_IMPLAUSIBLE',
      ROUND_DURATION_MS,
    ],
    ['a negative score', (t) => ({ roundToken: t, score: -1 }), 'INVALID_INPUT', ROUND_DURATION_MS],
    [
      'a fractional score',
      (t) => ({ roundToken: t, score: 1.5 }),
      'INVALID_INPUT',
      ROUND_DURATION_MS,
    ],
    [
      'a score sent as text',
      (t) => ({ roundToken: t, score: '10' }),
      'INVALID_INPUT',
      ROUND_DURATION_MS,
    ],
    [
      'a missing request id',
      (t) => ({ roundToken: t, score: 1, taps: taps(1), requestId: null }),
      'INVALID_INPUT',
      ROUND_DURATION_MS,
    ],
    [
      'an unknown token',
      () => ({ roundToken: 'x'.repeat(32), score: 1, taps: taps(1) }),
      'ROUND_NOT_FOUND',
      ROUND_DURATION_MS,
    ],
    [
      'a submission before the round ends',
      (t) => ({ roundToken: t, score: 1, taps: taps(1) }),
      'SCORE_IMPLAUSIBLE',
      5_000,
    ],
    [
      'an expired round',
      (t) => ({ roundToken: t, score: 1, taps: taps(1) }),
      'ROUND_EXPIRED',
      120_001,
    ],
  ]

  it.each(refusals)('refuses %s and writes nothing', async (_name, input, code, wait) => {
    const round = await start()
    h.advance(wait)
    const before = h.snapshot()

    const result = await h.call('alice', 'submitScore', {
      requestId: 'request-0001',
      ...input(round.roundToken),
    })

    expect(result).toMatchObject({ ok: false, error: { code } })
    expect(h.snapshot()).toEqual(before)
  })

  it('refuses another player token and a reused token', async () => {
    const round = await start('alice')
    h.advance(ROUND_DURATION_MS)
    const stolen = await h.call('mallory', 'submitScore', {
      roundToken: round.roundToken,
      score: 9,
      taps: taps(9),
      requestId: 'request-0001',
    })
    await h.expectOk('alice', 'submitScore', {
      roundToken: round.roundToken,
      score: 9,
      taps: taps(9),
      requestId: 'request-0001',
    })

    const reused = await h.call('alice', 'submitScore', {
      roundToken: round.roundToken,
      score: 9,
      taps: taps(9),
      requestId: 'request-0002',
    })

    expect(stolen).toMatchObject({ ok: false, error: { code: 'ROUND_NOT_FOUND' } })
    expect(reused).toMatchObject({ ok: false, error: { code: 'ROUND_ALREADY_USED' } })
  })

  describe('rate limits', () => {
    beforeEach(() => {
      h.close()
      h = createRouterHarness({
        rateLimits: {
          submitScore: { limit: 3, windowMs: 60_000 },
          startRound: { limit: 5, windowMs: 60_000 },
        },
      })
    })

    it('refuses submissions beyond the limit without writing, and recovers next window', async () => {
      h.setNow(T0 - (T0 % 60_000))
      const rounds = []
      for (let i = 0; i < 4; i++) rounds.push(await start())
      h.advance(ROUND_DURATION_MS)
      for (const round of rounds.slice(0, 3)) {
        await h.expectOk('alice', 'submitScore', {
          roundToken: round.roundToken,
          score: 10,
          taps: taps(10),
          requestId: `request-${round.roundToken.slice(0, 8)}`,
        })
      }
      const before = h.snapshot()
      const fourth = {
        roundToken: rounds[3]!.roundToken,
        score: 10,
        taps: taps(10),
        requestId: 'request-4444',
      }

      const limited = await h.call('alice', 'submitScore', fourth)
      const afterLimit = h.snapshot()
      h.advance(60_000)
      const nextWindow = await h.call('alice', 'submitScore', fourth)

      expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
      expect(afterLimit).toEqual(before)
      expect(nextWindow).toMatchObject({ ok: true, data: { applied: true } })
    })

    it('limits round starts per player', async () => {
      h.setNow(T0 - (T0 % 60_000))
      for (let i = 0; i < 5; i++) await start()

      const sixth = await h.call('alice', 'startRound')
      const otherPlayer = await h.call('bob', 'startRound')

      expect(sixth).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
      expect(otherPlayer.ok).toBe(true)
    })
  })
})
