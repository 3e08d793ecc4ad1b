// Seam: the storage port on both adapters against the core ranking rule, on generated writes.
import fc from 'fast-check'

import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { openSqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import { periodKeys } from '../../cloudfunctions/core/periods'
import {
  compareRank,
  isBetterBest,
  type LeaderboardStore,
  type ScoreEntry,
} from '../../cloudfunctions/core/store'
import { createCloudDbStandin } from './support/cloud-db-standin'

const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)
const KEYS = periodKeys(T0)
const PLAYERS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5']
const GROUPS = ['G0', 'G1']

type Write =
  | { kind: 'join'; player: string; group: string }
  | { kind: 'leave'; player: string; group: string }
  | { kind: 'score'; player: string; score: number; at: number }

// Few distinct scores and instants, so ties on score and on time are common.
const write: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      player: fc.constantFrom(...PLAYERS),
      group: fc.constantFrom(...GROUPS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('leave' as const),
      player: fc.constantFrom(...PLAYERS),
      group: fc.constantFrom(...GROUPS),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('score' as const),
      player: fc.constantFrom(...PLAYERS),
      score: fc.integer({ min: 0, max: 3 }),
      at: fc.integer({ min: 0, max: 2 }).map((i) => T0 + i * 1000),
    }),
  },
)

/** Member keys in an order unrelated to the player names, to exercise the last tie-breaker. */
const memberKeyOf = (group: string, player: string) =>
  `${group}-${(PLAYERS.length - PLAYERS.indexOf(player)) * 7}`

/** The core rule, stated once: bests kept by isBetterBest, rankings sorted by compareRank. */
function model(writes: Write[]): Map<string, ScoreEntry[]> {
  const members = new Map(GROUPS.map((group) => [group, new Set<string>()]))
  const bests = new Map<string, { score: number; achievedAt: number }>()
  for (const w of writes) {
    if (w.kind === 'join') members.get(w.group)!.add(w.player)
    if (w.kind === 'leave') members.get(w.group)!.delete(w.player)
    if (w.kind === 'score') {
      const stored = bests.get(w.player)
      const candidate = { score: w.score, achievedAt: w.at }
      if (!stored || isBetterBest(candidate, stored)) bests.set(w.player, candidate)
    }
  }
  return new Map(
    GROUPS.map((group) => [
      group,
      [...members.get(group)!]
        .flatMap((player) => {
          const best = bests.get(player)
          return best ? [{ openid: player, memberKey: memberKeyOf(group, player), ...best }] : []
        })
        .sort(compareRank),
    ]),
  )
}

let rounds = 0

async function apply(store: LeaderboardStore, writes: Write[]): Promise<void> {
  for (const w of writes) {
    if (w.kind === 'join') {
      const memberKey = memberKeyOf(w.group, w.player)
      await store.joinGroup({ groupId: w.group, openid: w.player, memberKey, joinedAt: T0 })
    } else if (w.kind === 'leave') {
      await store.leaveGroup(w.group, w.player)
    } else {
      const token = `round-${String(++rounds).padStart(10, '0')}`
      await store.createRound({ token, openid: w.player, startedAt: 0, expiresAt: T0 * 2 }, 0)
      await store.applyScore({
        token,
        openid: w.player,
        requestId: `request-${rounds}`,
        score: w.score,
        achievedAt: w.at,
        periodKeys: KEYS,
      })
    }
  }
}

/** What a store shows: every ranking read in pages of two, ranks, and each player's standings. */
async function observe(store: LeaderboardStore) {
  const seen: Record<string, unknown> = {}
  for (const group of GROUPS) {
    const rows: ScoreEntry[] = []
    for (;;) {
      const after = rows[rows.length - 1] ?? null
      const page = await store.getRankingPage({
        groupId: group,
        periodKey: KEYS.all,
        after,
        limit: 2,
      })
      rows.push(
        ...page.map(({ openid, memberKey, score, achievedAt }) => ({
          openid,
          memberKey,
          score,
          achievedAt,
        })),
      )
      if (page.length < 2) break
    }
    seen[group] = rows
    seen[`${group} ahead`] = await Promise.all(
      rows.map((row) => store.countAhead(group, KEYS.all, row)),
    )
  }
  for (const player of PLAYERS) {
    seen[player] = (await store.listStandings(player, KEYS.all)).map((standing) => ({
      group: standing.membership.groupId,
      members: standing.memberCount,
      ahead: standing.ahead,
    }))
  }
  return seen
}

function expected(writes: Write[]) {
  const rankings = model(writes)
  const seen: Record<string, unknown> = {}
  for (const group of GROUPS) {
    seen[group] = rankings.get(group)
    seen[`${group} ahead`] = rankings.get(group)!.map((_, i) => i)
  }
  for (const player of PLAYERS) {
    // Every join carries the same instant: the port then orders a player's groups by group id.
    seen[player] = GROUPS.filter((group) => isMember(writes, group, player)).map((group) => {
      const index = rankings.get(group)!.findIndex((row) => row.openid === player)
      return {
        group,
        members: PLAYERS.filter((other) => isMember(writes, group, other)).length,
        ahead: index < 0 ? null : index,
      }
    })
  }
  return seen
}

function isMember(writes: Write[], group: string, player: string): boolean {
  let member = false
  for (const w of writes) {
    if (w.kind !== 'score' && w.group === group && w.player === player) member = w.kind === 'join'
  }
  return member
}

describe('one ranking order, on both adapters', () => {
  it('ranks generated writes exactly as the core rule does, on SQLite and on CloudBase', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 30 }), async (writes) => {
        const sqlite = openSqliteStore({ filename: ':memory:' })
        const cloud = createCloudbaseStore(createCloudDbStandin().db)
        try {
          await apply(sqlite, writes)
          await apply(cloud, writes)
          const want = expected(writes)
          expect(await observe(sqlite)).toEqual(want)
          expect(await observe(cloud)).toEqual(want)
        } finally {
          sqlite.close()
        }
      }),
      { numRuns: 60 },
    )
  }, 120_000)
})
