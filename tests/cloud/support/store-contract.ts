// The storage port's contract, run against every adapter (SQLite and CloudBase-on-stand-in).
import type { PeriodKeys } from '../../../cloudfunctions/core/periods'
import { periodKeys } from '../../../cloudfunctions/core/periods'
import type {
  LeaderboardStore,
  MembershipRecord,
  NoticeRecord,
} from '../../../cloudfunctions/core/store'

export interface StoreHarness {
  store: LeaderboardStore
  /** Full content of the backing storage, to prove an operation wrote nothing. */
  dump(): unknown
  close(): void | Promise<void>
}

const T0 = Date.UTC(2024, 4, 15, 4, 0, 0) // Wednesday 12:00 in Shanghai
const KEYS = periodKeys(T0)
const KEY_LIST = [KEYS.today, KEYS.week, KEYS.all]

function member(groupId: string, openid: string, joinedAt = T0): MembershipRecord {
  const memberKey = `key-${openid}`.padEnd(22, '0').slice(0, 22)
  return { groupId, openid, memberKey, joinedAt, provenAt: joinedAt }
}

let tokenCounter = 0

/** Records a score the way submitScore does: a fresh round, then applyScore. */
async function record(
  store: LeaderboardStore,
  openid: string,
  score: number,
  achievedAt: number,
  keys: PeriodKeys = KEYS,
  notify = false,
) {
  const token = `token-${openid}-${++tokenCounter}`.padEnd(16, 'x')
  await store.createRound(
    { token, openid, startedAt: achievedAt - 10_000, expiresAt: achievedAt + 60_000 },
    0,
  )
  const result = await store.applyScore({
    token,
    openid,
    requestId: `req-${tokenCounter}`,
    score,
    achievedAt,
    periodKeys: keys,
    ...(notify ? { notify: { dayKey: keys.today } } : {}),
  })
  return { token, result }
}

export function describeStoreContract(
  adapterName: string,
  createHarness: () => StoreHarness | Promise<StoreHarness>,
): void {
  describe(`LeaderboardStore contract: ${adapterName}`, () => {
    let harness: StoreHarness
    let store: LeaderboardStore

    beforeEach(async () => {
      harness = await createHarness()
      store = harness.store
    })

    afterEach(async () => {
      await harness.close()
    })

    describe('memberships', () => {
      it('binds idempotently and reports joined only for the call that created it', async () => {
        const first = await store.joinGroup(member('G1', 'alice'))
        const second = await store.joinGroup(member('G1', 'alice', T0 + 5))

        expect(first.joined).toBe(true)
        expect(second.joined).toBe(false)
        // The second bind is a fresh proof: it moves provenAt, and nothing else.
        expect(await store.getMembership('G1', 'alice')).toEqual({
          ...member('G1', 'alice'),
          provenAt: T0 + 5,
        })
        expect(await store.countMembers('G1')).toBe(1)
      })

      it('moves a proof only forward, and reads memberships bound without one as proven at join', async () => {
        await store.joinGroup({ ...member('G1', 'alice'), provenAt: T0 + 100 })
        const late = await store.joinGroup({ ...member('G1', 'alice'), provenAt: T0 + 50 })
        const { provenAt: _omitted, ...withoutProof } = member('G2', 'alice')
        await store.joinGroup(withoutProof)

        expect(late.joined).toBe(false)
        expect((await store.getMembership('G1', 'alice'))?.provenAt).toBe(T0 + 100)
        expect(await store.getMembership('G2', 'alice')).toEqual(member('G2', 'alice'))
        expect((await store.listMemberships('alice')).map((m) => m.provenAt)).toEqual([
          T0 + 100,
          T0,
        ])
      })

      it('lets exactly one of many concurrent binds of the same member create it', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.joinGroup(member('G1', 'alice'))),
        )

        expect(results.filter((result) => result.joined)).toHaveLength(1)
        expect(await store.countMembers('G1')).toBe(1)
      })

      it('lists a player memberships oldest first and counts members per group', async () => {
        await store.joinGroup(member('G2', 'alice', T0 + 10))
        await store.joinGroup(member('G1', 'alice', T0))
        await store.joinGroup(member('G1', 'bob', T0))

        const groups = await store.listMemberships('alice')

        expect(groups.map((m) => m.groupId)).toEqual(['G1', 'G2'])
        expect(await store.countMembers('G1')).toBe(2)
        expect(await store.countMembers('G3')).toBe(0)
        expect(await store.getMembership('G2', 'bob')).toBeNull()
      })

      it('leaving removes the membership and its ranking rows but keeps the player bests', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await record(store, 'alice', 50, T0)

        const left = await store.leaveGroup('G1', 'alice')
        const again = await store.leaveGroup('G1', 'alice')

        expect([left, again]).toEqual([true, false])
        expect(await store.getRankingEntry('G1', KEYS.all, 'alice')).toBeNull()
        await store.joinGroup(member('G1', 'alice', T0 + 1))
        expect(await store.getRankingEntry('G1', KEYS.all, 'alice')).toMatchObject({ score: 50 })
      })
    })

    describe('scores', () => {
      it('counts a score in every group, including groups joined later', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await record(store, 'alice', 42, T0)

        await store.joinGroup(member('G2', 'alice', T0 + 1000))

        for (const groupId of ['G1', 'G2']) {
          for (const key of KEY_LIST) {
            expect(await store.getRankingEntry(groupId, key, 'alice')).toEqual({
              openid: 'alice',
              memberKey: member(groupId, 'alice').memberKey,
              score: 42,
              achievedAt: T0,
            })
          }
        }
      })

      it('keeps the best per period: higher replaces, equal keeps the earlier achievement', async () => {
        await store.joinGroup(member('G1', 'alice'))
        const first = await record(store, 'alice', 60, T0)
        const lower = await record(store, 'alice', 10, T0 + 1000)
        const equal = await record(store, 'alice', 60, T0 + 2000)

        expect(first.result).toEqual({ status: 'applied', best: { today: 60, week: 60, all: 60 } })
        expect(lower.result).toEqual({ status: 'applied', best: { today: 60, week: 60, all: 60 } })
        expect(equal.result).toEqual({ status: 'applied', best: { today: 60, week: 60, all: 60 } })
        expect(await store.getRankingEntry('G1', KEYS.all, 'alice')).toMatchObject({
          score: 60,
          achievedAt: T0,
        })
        await record(store, 'alice', 61, T0 + 3000)
        expect(await store.getRankingEntry('G1', KEYS.all, 'alice')).toMatchObject({
          score: 61,
          achievedAt: T0 + 3000,
        })
      })

      it('starts a new day key fresh while all-time keeps the best', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await record(store, 'alice', 80, T0)
        const nextDay = T0 + 24 * 3600 * 1000
        const keys = periodKeys(nextDay)

        const { result } = await record(store, 'alice', 30, nextDay, keys)

        expect(result).toEqual({ status: 'applied', best: { today: 30, week: 80, all: 80 } })
        expect(await store.getRankingEntry('G1', keys.today, 'alice')).toMatchObject({ score: 30 })
      })

      it('consumes a round once: concurrent submissions leave one winner', async () => {
        await store.createRound(
          { token: 'round-token-0001', openid: 'alice', startedAt: T0, expiresAt: T0 + 1e5 },
          0,
        )

        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.applyScore({
              token: 'round-token-0001',
              openid: 'alice',
              requestId: `request-${i}`,
              score: 10 + i,
              achievedAt: T0 + 10_000,
              periodKeys: KEYS,
            }),
          ),
        )

        const winners = results.flatMap((result, i) => (result.status === 'applied' ? [i] : []))
        expect(winners).toHaveLength(1)
        const round = await store.getRound('round-token-0001')
        expect(round).toMatchObject({
          used: true,
          usedRequestId: `request-${winners[0]}`,
          usedScore: 10 + winners[0]!,
          usedAt: T0 + 10_000,
          result: { today: 10 + winners[0]!, week: 10 + winners[0]!, all: 10 + winners[0]! },
        })
      })

      it('refuses another player round and writes nothing', async () => {
        await store.createRound(
          { token: 'round-token-0002', openid: 'alice', startedAt: T0, expiresAt: T0 + 1e5 },
          0,
        )
        const before = harness.dump()

        const result = await store.applyScore({
          token: 'round-token-0002',
          openid: 'mallory',
          requestId: 'request-x',
          score: 99,
          achievedAt: T0 + 10_000,
          periodKeys: KEYS,
        })

        expect(result).toEqual({ status: 'conflict' })
        expect(harness.dump()).toEqual(before)
      })

      it('resumes an applied round idempotently', async () => {
        await store.joinGroup(member('G1', 'alice'))
        const { token } = await record(store, 'alice', 70, T0)
        const round = (await store.getRound(token))!
        const before = harness.dump()

        const best = await store.resumeScore(round, KEYS)

        expect(best).toEqual({ today: 70, week: 70, all: 70 })
        expect(harness.dump()).toEqual(before)
      })

      it('raises bests correctly under concurrent submissions of one player', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await store.joinGroup(member('G2', 'alice'))
        const scores = [5, 90, 33, 90, 12, 77]

        await Promise.all(scores.map((score, i) => record(store, 'alice', score, T0 + i)))

        for (const groupId of ['G1', 'G2']) {
          expect(await store.getRankingEntry(groupId, KEYS.all, 'alice')).toMatchObject({
            score: 90,
            achievedAt: T0 + 1,
          })
        }
      })

      it('drops the player expired rounds when starting a new one', async () => {
        await store.createRound(
          { token: 'old-round-000001', openid: 'alice', startedAt: 0, expiresAt: 10 },
          0,
        )
        await store.createRound(
          { token: 'bob-round-000001', openid: 'bob', startedAt: 0, expiresAt: 10 },
          0,
        )

        await store.createRound(
          { token: 'new-round-000001', openid: 'alice', startedAt: T0, expiresAt: T0 + 1 },
          T0 - 1,
        )

        expect(await store.getRound('old-round-000001')).toBeNull()
        expect(await store.getRound('bob-round-000001')).not.toBeNull()
        expect(await store.getRound('new-round-000001')).toMatchObject({
          used: false,
          result: null,
        })
      })
    })

    describe('rankings', () => {
      async function seedGroup(scores: Array<[string, number, number]>) {
        for (const [openid] of scores) await store.joinGroup(member('G1', openid))
        for (const [openid, score, at] of scores) await record(store, openid, score, at)
      }

      it('orders by score desc, then earlier achievement, then member key', async () => {
        await seedGroup([
          ['carol', 50, T0 + 2],
          ['alice', 70, T0 + 5],
          ['bob', 50, T0 + 1],
          ['dave', 50, T0 + 1],
          ['erin', 10, T0],
        ])
        await store.joinGroup(member('G1', 'frank')) // member without a score

        const page = await store.getRankingPage({
          groupId: 'G1',
          periodKey: KEYS.all,
          after: null,
          limit: 10,
        })

        expect(page.map((entry) => entry.openid)).toEqual(['alice', 'bob', 'dave', 'carol', 'erin'])
        expect(await store.countMembers('G1')).toBe(6)
        expect(await store.countGroup('G1', KEYS.all)).toEqual({ members: 6, scored: 5 })
        expect(await store.countGroup('G1', 'some-other-window')).toEqual({ members: 6, scored: 0 })
        expect(await store.countGroup('G-none', KEYS.all)).toEqual({ members: 0, scored: 0 })
      })

      it('pages with keyset cursors and counts rows ahead of a position', async () => {
        const scores: Array<[string, number, number]> = Array.from({ length: 7 }, (_, i) => [
          `p${i}`,
          100 - (i % 3) * 10,
          T0 + i,
        ])
        await seedGroup(scores)

        const first = await store.getRankingPage({
          groupId: 'G1',
          periodKey: KEYS.all,
          after: null,
          limit: 3,
        })
        const second = await store.getRankingPage({
          groupId: 'G1',
          periodKey: KEYS.all,
          after: first[2]!,
          limit: 3,
        })
        const third = await store.getRankingPage({
          groupId: 'G1',
          periodKey: KEYS.all,
          after: second[2]!,
          limit: 3,
        })

        const order = [...first, ...second, ...third].map((entry) => entry.openid)
        expect(order).toEqual(['p0', 'p3', 'p6', 'p1', 'p4', 'p2', 'p5'])
        for (const [index, openid] of order.entries()) {
          const entry = (await store.getRankingEntry('G1', KEYS.all, openid))!
          expect(await store.countAhead('G1', KEYS.all, entry)).toBe(index)
        }
      })

      it('returns profiles with the rows', async () => {
        await seedGroup([['alice', 10, T0]])
        await store.updateProfile(
          'alice',
          { nickname: 'Alice', avatarUrl: 'cloud://env.b/a.png' },
          T0,
        )

        const [row] = await store.getRankingPage({
          groupId: 'G1',
          periodKey: KEYS.all,
          after: null,
          limit: 1,
        })

        expect(row).toMatchObject({
          nickname: 'Alice',
          avatarUrl: 'cloud://env.b/a.png',
          score: 10,
        })
      })

      it('serves a page larger than one backend page', async () => {
        const players = Array.from({ length: 130 }, (_, i): [string, number, number] => [
          `m${String(i).padStart(3, '0')}`,
          i % 50,
          T0 + i,
        ])
        await seedGroup(players)

        const page = await store.getRankingPage({
          groupId: 'G1',
          periodKey: KEYS.all,
          after: null,
          limit: 101,
        })

        expect(page).toHaveLength(101)
        expect(page[0]).toMatchObject({ openid: 'm049', score: 49 })
      }, 30_000)
    })

    describe('profiles', () => {
      it('starts empty, applies partial patches, and clears with null', async () => {
        expect(await store.getProfile('alice')).toEqual({ nickname: null, avatarUrl: null })

        await store.updateProfile('alice', { nickname: 'Al' }, T0)
        await store.updateProfile('alice', { avatarUrl: 'cloud://env.b/a.png' }, T0)
        const same = await store.updateProfile('alice', { avatarUrl: 'cloud://env.b/a.png' }, T0)
        const cleared = await store.updateProfile('alice', { nickname: null }, T0 + 1)

        expect(same).toEqual({ nickname: 'Al', avatarUrl: 'cloud://env.b/a.png' })
        expect(cleared).toEqual({ nickname: null, avatarUrl: 'cloud://env.b/a.png' })
      })

      it('keeps both fields when two patches race on a new profile', async () => {
        await Promise.all([
          store.updateProfile('alice', { nickname: 'Al' }, T0),
          store.updateProfile('alice', { avatarUrl: 'cloud://env.b/a.png' }, T0),
        ])

        expect(await store.getProfile('alice')).toEqual({
          nickname: 'Al',
          avatarUrl: 'cloud://env.b/a.png',
        })
      })
    })

    describe('rate limits', () => {
      it('admits exactly the limit within a window, even concurrently, then a new window', async () => {
        const hit = { openid: 'alice', bucket: 'submitScore', windowStart: 60_000, limit: 5 }

        const results = await Promise.all(
          Array.from({ length: 12 }, () => store.takeRateLimit(hit)),
        )
        const before = harness.dump()
        const rejected = await store.takeRateLimit(hit)
        const after = harness.dump()
        const nextWindow = await store.takeRateLimit({ ...hit, windowStart: 120_000 })

        expect(results.filter(Boolean)).toHaveLength(5)
        expect(rejected).toBe(false)
        expect(after).toEqual(before)
        expect(nextWindow).toBe(true)
        expect(await store.takeRateLimit({ ...hit, bucket: 'startRound', limit: 0 })).toBe(false)
      })

      it('peeks whether a hit would be admitted, writing nothing', async () => {
        const hit = { openid: 'alice', bucket: 'submitScore', windowStart: 60_000, limit: 2 }
        const fresh = await store.peekRateLimit(hit)
        await store.takeRateLimit(hit)
        const belowLimit = await store.peekRateLimit(hit)
        await store.takeRateLimit(hit)
        const before = harness.dump()

        const full = await store.peekRateLimit(hit)
        const nextWindow = await store.peekRateLimit({ ...hit, windowStart: 120_000 })

        expect([fresh, belowLimit, full, nextWindow]).toEqual([true, true, false, true])
        expect(harness.dump()).toEqual(before)
        expect(await store.peekRateLimit({ ...hit, bucket: 'other', limit: 0 })).toBe(false)
      })
    })

    describe('deleting a player', () => {
      it('removes everything about the player and nothing about others', async () => {
        await store.joinGroup(member('G1', 'bob'))
        await record(store, 'bob', 20, T0)
        await store.updateProfile('bob', { nickname: 'Bob' }, T0)
        const othersOnly = harness.dump()
        await store.joinGroup(member('G1', 'alice'))
        await record(store, 'alice', 30, T0)
        await store.updateProfile('alice', { nickname: 'Al' }, T0)
        await store.takeRateLimit({
          openid: 'alice',
          bucket: 'submitScore',
          windowStart: 0,
          limit: 5,
        })

        await store.deleteUserData('alice')

        expect(await store.countMembers('G1')).toBe(1)
        expect(await store.getRankingEntry('G1', KEYS.all, 'alice')).toBeNull()
        expect(await store.getProfile('alice')).toEqual({ nickname: null, avatarUrl: null })
        expect(await store.listMemberships('alice')).toEqual([])
        expect(stripRounds(harness.dump())).toEqual(stripRounds(othersOnly))
      })
    })

    describe('subscribe messages', () => {
      const notify = (openid: string, score: number, at: number) =>
        record(store, openid, score, at, periodKeys(at), true)
      const pending = async (at = T0 + 60_000) =>
        (await store.listDueNotices(at, 100))
          .map((n: NoticeRecord) => `${n.kind} ${n.groupId} ${n.openid}`)
          .sort()

      it('counts one credit per accepted kind and reads zero for anyone else', async () => {
        expect(await store.addCredits('alice', ['overtaken', 'weekly', 'overtaken'], T0)).toEqual({
          overtaken: 2,
          weekly: 1,
        })
        expect(await store.addCredits('alice', ['weekly'], T0)).toEqual({
          overtaken: 2,
          weekly: 2,
        })
        expect(await store.getCredits('nobody')).toEqual({ overtaken: 0, weekly: 0 })
      })

      it('queues a notice for each member with a credit whom the score passes, per group', async () => {
        for (const who of ['alice', 'carol', 'dave', 'eve', 'bob']) {
          await store.joinGroup(member('G1', who))
        }
        await store.joinGroup(member('G2', 'alice'))
        await store.joinGroup(member('G2', 'bob'))
        await store.joinGroup(member('G3', 'alice')) // bob is not in G3
        for (const who of ['alice', 'carol', 'eve', 'bob']) {
          await store.addCredits(who, ['overtaken'], T0)
        }
        await record(store, 'alice', 30, T0 - 5000)
        await record(store, 'carol', 25, T0 - 5000)
        await record(store, 'dave', 10, T0 - 5000) // passed, but holds no credit
        await record(store, 'eve', 60, T0 - 5000) // not passed

        await notify('bob', 40, T0)

        expect(await pending()).toEqual([
          'overtaken G1 alice',
          'overtaken G1 carol',
          'overtaken G2 alice',
        ])
        const [notice] = await store.listDueNotices(T0, 100)
        expect(notice).toMatchObject({
          kind: 'overtaken',
          state: 'pending',
          attempts: 0,
          payload: { kind: 'overtaken', byOpenid: 'bob', score: 40, period: 'all' },
        })
      })

      it('queues at most one notice per recipient, group and day, and none for someone already passed', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await store.joinGroup(member('G1', 'bob'))
        await store.joinGroup(member('G1', 'carol'))
        await store.addCredits('alice', ['overtaken'], T0)
        await store.addCredits('carol', ['overtaken'], T0)
        await record(store, 'alice', 30, T0 - 5000)
        await record(store, 'carol', 45, T0 - 5000)
        await notify('bob', 40, T0)
        await notify('bob', 41, T0 + 1000) // passes alice again: same day, no second notice
        expect(await pending()).toEqual(['overtaken G1 alice'])
        const [first] = await store.listDueNotices(T0 + 60_000, 100)
        await store.settleNotice(first!.id, { status: 'sent' })

        await notify('bob', 42, T0 + 2000) // sent today already: still none
        expect(await pending()).toEqual([])

        const tomorrow = T0 + 24 * 3_600_000
        await notify('bob', 50, tomorrow) // passes carol now; alice was passed before
        expect(await pending(tomorrow + 60_000)).toEqual(['overtaken G1 carol'])
      })

      it('settles deliveries: a sent one spends a credit, a refusal clears them, a retry waits', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await store.joinGroup(member('G2', 'alice'))
        await store.joinGroup(member('G3', 'alice'))
        for (const g of ['G1', 'G2', 'G3']) await store.joinGroup(member(g, 'bob'))
        await store.addCredits('alice', ['overtaken', 'overtaken', 'overtaken', 'weekly'], T0)
        await record(store, 'alice', 30, T0 - 5000)
        await notify('bob', 40, T0)
        const [n1, n2, n3] = await store.listDueNotices(T0, 100)

        await store.settleNotice(n1!.id, { status: 'sent' })
        await store.settleNotice(n1!.id, { status: 'sent' }) // idempotent
        expect(await store.getCredits('alice')).toEqual({ overtaken: 2, weekly: 1 })

        await store.settleNotice(n2!.id, { status: 'retry', retryAt: T0 + 120_000 })
        expect((await store.listDueNotices(T0 + 60_000, 100)).map((n) => n.id)).toEqual([n3!.id])
        const [later] = (await store.listDueNotices(T0 + 120_000, 100)).filter(
          (n) => n.id === n2!.id,
        )
        expect(later).toMatchObject({ attempts: 1, dueAt: T0 + 120_000 })

        await store.settleNotice(n3!.id, { status: 'refused' })
        expect(await store.getCredits('alice')).toEqual({ overtaken: 0, weekly: 1 })
        await store.settleNotice(n2!.id, { status: 'dropped' })
        expect(await store.listDueNotices(T0 + 600_000, 100)).toEqual([])
      })

      it('forgets credits and notices of a deleted player', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await store.joinGroup(member('G1', 'bob'))
        await store.addCredits('alice', ['overtaken'], T0)
        await record(store, 'alice', 30, T0 - 5000)
        await notify('bob', 40, T0)

        await store.deleteUserData('alice')

        expect(await store.getCredits('alice')).toEqual({ overtaken: 0, weekly: 0 })
        expect(await store.listDueNotices(T0 + 60_000, 100)).toEqual([])
      })

      it('queues nothing for a submitter who deleted their data before the scheduler ran', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await store.joinGroup(member('G1', 'bob'))
        await store.addCredits('alice', ['overtaken'], T0)
        await record(store, 'alice', 30, T0 - 5000)
        await notify('bob', 40, T0)

        await store.deleteUserData('bob')

        expect(await store.listDueNotices(T0 + 60_000, 100)).toEqual([])
        expect(await store.getCredits('alice')).toEqual({ overtaken: 1, weekly: 0 })
      })

      it('queues nothing for a recipient who left the group before the scheduler ran', async () => {
        await store.joinGroup(member('G1', 'alice'))
        await store.joinGroup(member('G1', 'bob'))
        await store.joinGroup(member('G2', 'alice'))
        await store.joinGroup(member('G2', 'bob'))
        await store.addCredits('alice', ['overtaken'], T0)
        await record(store, 'alice', 30, T0 - 5000)
        await notify('bob', 40, T0)

        await store.leaveGroup('G1', 'alice')

        expect(await pending()).toEqual(['overtaken G2 alice'])
      })
    })
  })
}

/** Bob's round survives deletion of Alice; compare everything else exactly. */
function stripRounds(dump: unknown): unknown {
  return JSON.parse(JSON.stringify(dump), (key, value: unknown) =>
    key === 'rounds' || key === 'lb_rounds' ? undefined : value,
  )
}
