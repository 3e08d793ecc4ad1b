// Seam: the router + stores under concurrent submissions, in one process and across two processes.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { openSqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import type { ActionDeps } from '../../cloudfunctions/core/deps'
import { memberKey } from '../../cloudfunctions/core/member-key'
import { handle } from '../../cloudfunctions/core/router'
import type { LeaderboardStore } from '../../cloudfunctions/core/store'
import type { RankingPage } from '../../shared/contract'
import { ROUND_DURATION_MS } from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { createCloudDbStandin } from './support/cloud-db-standin'
import { FakeOpenApi } from './support/fake-open-api'
import { writerScore } from './support/writer-plan'

const APPID = 'wxconcurrency0001'
const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)
const SALT = 'concurrency-salt'
const ROOT = resolve(__dirname, '../..')

function rig(store: LeaderboardStore) {
  let now = T0
  const clock = { now: () => now }
  const openApi = new FakeOpenApi(APPID, clock)
  const errors: unknown[] = []
  const deps: ActionDeps = {
    store,
    openApi,
    clock,
    logger: { error: (message, detail) => errors.push([message, detail]) },
    memberKeySalt: SALT,
    rateLimits: {
      submitScore: { limit: 100, windowMs: 60_000 },
      startRound: { limit: 100, windowMs: 60_000 },
    },
  }
  const call = async (openid: string, event: Record<string, unknown>) => {
    const result = await handle(event, { openid, appid: APPID, unionid: null, env: null }, deps)
    if (!result.ok) throw new Error(`${String(event.action)}: ${result.error.code}`)
    return result.data as unknown as Record<string, unknown>
  }
  return { deps, openApi, errors, call, advance: (ms: number) => (now += ms) }
}

const PLAYERS = Array.from({ length: 100 }, (_, i) => `player-${i}`)
const GROUPS = Array.from({ length: 10 }, (_, i) => `G${i}`)
/** Each player is in one to three groups; group membership is deterministic. */
const groupsOf = (p: number) => GROUPS.filter((_, g) => g === p % 10 || g === (p * 3) % 10)
/** Ten submissions per player: 1,000 in all, scores scattered over 0..200. */
const scoresOf = (p: number) => Array.from({ length: 10 }, (_, r) => (p * 37 + r * 53) % 201)

describe.each([
  ['SQLite', () => openSqliteStore({ filename: ':memory:' })],
  ['CloudBase on the stand-in', () => createCloudbaseStore(createCloudDbStandin().db)],
])('1,000 concurrent submissions on %s', (_name, createStore) => {
  it('leave exactly the right bests in every group', async () => {
    const { openApi, errors, call, advance } = rig(createStore())
    for (const [p, openid] of PLAYERS.entries()) {
      for (const groupId of groupsOf(p)) {
        const cloudID = openApi.issueGroupCloudId(openid, { opengid: groupId, chat_type: 3 })
        await call(openid, { action: 'enterGroup', groupInfo: { cloudID, data: {} } })
      }
    }
    const rounds = await Promise.all(
      PLAYERS.flatMap((openid, p) =>
        scoresOf(p).map(async (score, r) => ({
          openid,
          score,
          requestId: `request-${p}-${r}`,
          token: (await call(openid, { action: 'startRound' })).roundToken,
        })),
      ),
    )
    advance(10_000)

    // Every submission, plus a concurrent retry of every tenth, all at once.
    const submissions = [...rounds, ...rounds.filter((_, i) => i % 10 === 0)]
    const results = await Promise.all(
      submissions.map(({ openid, token, score, requestId }) =>
        call(openid, {
          action: 'submitScore',
          roundToken: token,
          score,
          requestId,
          taps: evenTapTimeline(score, ROUND_DURATION_MS),
        }),
      ),
    )

    expect(errors).toEqual([])
    expect(results.filter((result) => result.applied === true)).toHaveLength(1000)
    for (const groupId of GROUPS) {
      const members = PLAYERS.flatMap((_openid, p) => (groupsOf(p).includes(groupId) ? [p] : []))
      const expected = members
        .map((p) => ({
          memberKey: memberKey(SALT, groupId, PLAYERS[p]!),
          score: Math.max(...scoresOf(p)),
        }))
        // All submissions carry the same instant, so ties fall to the member key.
        .sort((a, b) => b.score - a.score || (a.memberKey < b.memberKey ? -1 : 1))
      for (const period of ['today', 'week', 'all']) {
        const page = (await call(PLAYERS[members[0]!]!, {
          action: 'getRanking',
          groupId,
          period,
          pageSize: 100,
        })) as unknown as RankingPage
        expect(page.memberCount).toBe(members.length)
        expect(page.rows.map(({ memberKey: key, score }) => ({ memberKey: key, score }))).toEqual(
          expected,
        )
      }
    }
  }, 60_000)
})

describe('two OS processes writing one SQLite file', () => {
  let dir: string

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-two-process-'))
  })

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function writer(options: Record<string, unknown>): Promise<{ worker: number; applied: number }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'support/sqlite-writer.ts'), JSON.stringify(options)],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      let err = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.on('error', reject)
      child.on('exit', (code) =>
        code === 0
          ? resolvePromise(JSON.parse(out) as { worker: number; applied: number })
          : reject(new Error(`writer exited ${code}: ${err}`)),
      )
    })
  }

  it('loses no write when both processes bind and submit for the same players', async () => {
    const file = join(dir, 'shared.sqlite')
    const plan = { players: 40, rounds: 8, groups: 4 }
    const startAt = Date.now() + 2500
    const common = { file, ...plan, startAt, t0: T0, appid: APPID }

    const results = await Promise.all([0, 1].map((worker) => writer({ ...common, worker })))

    expect(results.map((result) => result.applied)).toEqual([320, 320])
    const store = openSqliteStore({ filename: file })
    try {
      const counts = store.db
        .prepare(
          `SELECT (SELECT count(*) FROM memberships) AS memberships,
                  (SELECT count(*) FROM rounds WHERE used = 1) AS usedRounds`,
        )
        .get()
      expect(counts).toEqual({
        memberships: plan.players,
        usedRounds: 2 * plan.players * plan.rounds,
      })
      for (let p = 0; p < plan.players; p++) {
        const expected = Math.max(
          ...[0, 1].flatMap((worker) =>
            Array.from({ length: plan.rounds }, (_, round) => writerScore(worker, p, round)),
          ),
        )
        const entry = await store.getRankingEntry(`G${p % plan.groups}`, 'all', `player-${p}`)
        expect(entry?.score).toBe(expected)
      }
    } finally {
      store.close()
    }
  }, 90_000)
})
