// Seam: getRanking (and the ranking page of enterGroup) through router.handle on SQLite.
import { decodeCursor, encodeCursor } from '../../cloudfunctions/core/ranking-cursor'
import { createRouterHarness, type RouterHarness, T0 } from './support/router-harness'

const HOUR = 3600 * 1000
/** 2024-05-19 is a Sunday; 16:00 UTC is midnight in Shanghai. */
const SUNDAY_2359_SHANGHAI = Date.UTC(2024, 4, 19, 15, 59, 0)
const MONDAY_0000_SHANGHAI = Date.UTC(2024, 4, 19, 16, 0, 0)

describe('getRanking', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness()
  })

  afterEach(() => h.close())

  async function members(groupId: string, openids: string[]) {
    for (const openid of openids) await h.enter(openid, groupId)
  }

  it('orders by score, the earlier achievement winning a tie', async () => {
    await members('G1', ['alice', 'bob', 'carol', 'dave'])
    await h.play('bob', 50) // reaches 50 first
    await h.play('alice', 80)
    await h.play('carol', 50)

    const page = await h.expectOk('carol', 'getRanking', { groupId: 'G1' })

    expect(page.rows.map((row) => [row.rank, row.score, row.isMe])).toEqual([
      [1, 80, false],
      [2, 50, false],
      [3, 50, true],
    ])
    expect(page.memberCount).toBe(4)
    expect(page.scoredCount).toBe(3)
    expect(page.me).toEqual(page.rows[2])
  })

  it('never exposes an openid: rows carry an opaque per-group member key', async () => {
    await members('G1', ['alice'])
    await members('G2', ['alice'])
    await h.play('alice', 10)

    const [one, two] = await Promise.all([
      h.expectOk('alice', 'getRanking', { groupId: 'G1' }),
      h.expectOk('alice', 'getRanking', { groupId: 'G2' }),
    ])

    expect(JSON.stringify([one, two])).not.toContain('alice')
    expect(one.rows[0]!.memberKey).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(one.rows[0]!.memberKey).not.toBe(two.rows[0]!.memberKey)
  })

  it('pages with cursors, continuing ranks, and shows my row when it is off the page', async () => {
    const players = Array.from({ length: 7 }, (_, i) => `p${i}`)
    await members('G1', players)
    for (const [i, openid] of players.entries()) await h.play(openid, 100 - i)

    const first = await h.expectOk('p6', 'getRanking', { groupId: 'G1', pageSize: 3 })
    const second = await h.expectOk('p6', 'getRanking', {
      groupId: 'G1',
      pageSize: 3,
      cursor: first.nextCursor,
    })
    const third = await h.expectOk('p6', 'getRanking', {
      groupId: 'G1',
      pageSize: 3,
      cursor: second.nextCursor,
    })

    expect(first.rows.map((row) => row.rank)).toEqual([1, 2, 3])
    // The first page already says how many rows all pages hold together.
    expect(first.scoredCount).toBe(7)
    expect(second.rows.map((row) => [row.rank, row.score])).toEqual([
      [4, 97],
      [5, 96],
      [6, 95],
    ])
    expect(third.rows.map((row) => [row.rank, row.isMe])).toEqual([[7, true]])
    expect(third.nextCursor).toBeNull()
    expect(first.me).toMatchObject({ rank: 7, score: 94, isMe: true })
  })

  it('leaves members without a score out of the rows but counts them', async () => {
    await members('G1', ['alice', 'bob'])
    await h.play('bob', 5)

    const page = await h.expectOk('alice', 'getRanking', { groupId: 'G1' })

    expect(page.rows).toHaveLength(1)
    expect(page.me).toBeNull()
    expect(page.memberCount).toBe(2)
    expect(page.scoredCount).toBe(1)
  })

  it('refuses a non-member, whatever group id the client sends', async () => {
    await members('G1', ['alice'])
    await members('G2', ['bob'])

    const result = await h.call('alice', 'getRanking', { groupId: 'G2' })

    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_GROUP_MEMBER' } })
  })

  it('counts a score in groups the player joins later', async () => {
    await members('G1', ['alice'])
    await h.play('alice', 64)

    const entered = await h.enter('alice', 'G2')

    expect(entered.ranking.me).toMatchObject({ rank: 1, score: 64 })
    const today = await h.expectOk('alice', 'getRanking', { groupId: 'G2', period: 'today' })
    expect(today.me).toMatchObject({ score: 64 })
  })

  describe('periods in Asia/Shanghai', () => {
    it('starts a new day at Shanghai midnight, not UTC midnight', async () => {
      h.setNow(Date.UTC(2024, 4, 15, 15, 0, 0) - 10_000) // 22:59:50 Shanghai
      await members('G1', ['alice', 'bob'])
      await h.play('alice', 70) // submitted 23:00 Shanghai, 15 May
      h.setNow(Date.UTC(2024, 4, 15, 16, 0, 0) - 10_000)
      await h.play('bob', 20) // submitted exactly 00:00 Shanghai, 16 May

      const today = await h.expectOk('alice', 'getRanking', { groupId: 'G1', period: 'today' })
      const week = await h.expectOk('alice', 'getRanking', { groupId: 'G1', period: 'week' })

      expect(today.rows.map((row) => row.score)).toEqual([20])
      expect(week.rows.map((row) => row.score)).toEqual([70, 20])
    })

    it('starts a new week on Monday 00:00 Shanghai', async () => {
      h.setNow(SUNDAY_2359_SHANGHAI - 10_000)
      await members('G1', ['alice', 'bob'])
      await h.play('alice', 90)
      h.setNow(MONDAY_0000_SHANGHAI - 10_000)
      await h.play('bob', 15)

      const week = await h.expectOk('alice', 'getRanking', { groupId: 'G1', period: 'week' })
      const all = await h.expectOk('alice', 'getRanking', { groupId: 'G1', period: 'all' })

      expect(week.rows.map((row) => row.score)).toEqual([15])
      expect(week.me).toBeNull()
      expect(all.rows.map((row) => row.score)).toEqual([90, 15])
    })

    it('refuses a cursor from a day that has ended', async () => {
      h.setNow(T0 + 10 * HOUR)
      await members('G1', ['a', 'b'])
      await h.play('a', 5)
      await h.play('b', 6)
      const page = await h.expectOk('a', 'getRanking', {
        groupId: 'G1',
        period: 'today',
        pageSize: 1,
      })
      h.advance(24 * HOUR)

      const stale = await h.call('a', 'getRanking', {
        groupId: 'G1',
        period: 'today',
        cursor: page.nextCursor,
      })

      expect(stale).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    })
  })

  describe('cursors', () => {
    async function firstCursor() {
      await members('G1', ['a', 'b'])
      await members('G2', ['a'])
      await h.play('a', 5)
      await h.play('b', 6)
      const page = await h.expectOk('a', 'getRanking', { groupId: 'G1', pageSize: 1 })
      return page.nextCursor!
    }

    it.each([
      ['garbage', () => 'not-a-cursor!'],
      ['truncated', (cursor: string) => cursor.slice(0, 10)],
      [
        'for another group',
        (cursor: string) => encodeCursor({ ...decodeCursor(cursor), groupId: 'G2' }),
      ],
      [
        'with a forged rank',
        (cursor: string) =>
          Buffer.from(
            JSON.stringify({
              ...JSON.parse(Buffer.from(cursor, 'base64url').toString()),
              r: -1,
            }),
          ).toString('base64url'),
      ],
    ])('refuses a %s cursor', async (_name, tamper) => {
      const cursor = tamper(await firstCursor())

      const result = await h.call('a', 'getRanking', { groupId: 'G1', cursor })

      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    })
  })
})
