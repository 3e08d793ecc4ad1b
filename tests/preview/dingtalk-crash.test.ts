// Seam: `npm start`'s process over HTTP in its DingTalk mode (/api/dingtalk-sim/*, /api/dingtalk/*), killed with SIGKILL in the middle of a burst of new members, joins and scores, then restarted on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { ROUND_DURATION_MS } from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { killAtAnswer, runJourneys, waitUntil } from './support/burst'
import {
  dingtalkPreviewClient,
  type DingTalkSimGroup as SimGroup,
  type DingTalkSimState as SimState,
  type RunningPreview,
  startPreview,
} from './support/preview-process'

jest.setTimeout(90_000)

/** Every newcomer's journey is five requests: user, group member, auth code, login, enterGroup. */
const NEWCOMERS = 16
/** Demo members who had not played: they start a round before the burst and submit during it. */
const PLAYERS = 4
const BURST_REQUESTS = NEWCOMERS * 5 + PLAYERS
const KILL_AFTER = 40
const CONCURRENCY = 6
const DEMO_SCORES = [88, 120, 64, 101, 45]

interface Row {
  nickname: string | null
  score: number
  played?: boolean
  isMe: boolean
}

let dataDir: string
let preview: RunningPreview | null = null

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'preview-dingtalk-crash-'))
})

afterEach(async () => {
  await preview?.stop()
  preview = null
  rmSync(dataDir, { recursive: true, force: true })
})

type Client = ReturnType<typeof dingtalkPreviewClient>

/** What a member's phone does when the cool-app entry opens: a code, a login, enterGroup. */
async function openEntry(api: Client, state: SimState, group: SimGroup, userId: string) {
  const token = await api.login(state.corpId, await api.authCode(state.corpId, userId))
  const entered = await api.entry<{ ranking: { groupId: string; rows: Row[]; me: Row | null } }>(
    '/leaderboard',
    {
      action: 'enterGroup',
      dingtalk: { corpId: state.corpId, openConversationId: group.openConversationId },
    },
    token,
  )
  return { token, ranking: entered.ranking }
}

it('keeps the DingTalk demo group, every answered member, join and score across a SIGKILL mid-burst, and seeds no second demo', async () => {
  preview = await startPreview(dataDir)
  let api = dingtalkPreviewClient(preview.url)
  // Two presses of the demo button at once build one group.
  const [demo, twin] = await Promise.all([
    api.post<SimGroup>('/api/dingtalk-sim/demo', {}),
    api.post<SimGroup>('/api/dingtalk-sim/demo', {}),
  ])
  expect(twin.chatId).toBe(demo.chatId)
  const before = await api.state()
  expect(before.groups).toHaveLength(1)
  expect(before.users).toHaveLength(12)
  const demoBefore = before.groups.find((group) => group.chatId === demo.chatId)!
  expect(demoBefore.members).toHaveLength(12)

  // Demo members 6–9 have not played: they start a round now, to submit during the burst.
  const players: Array<{ userId: string; token: string; roundToken: string; score: number }> = []
  let lastStart = 0
  for (let index = 0; index < PLAYERS; index++) {
    const userId = demoBefore.members[DEMO_SCORES.length + index]!
    const { token } = await openEntry(api, before, demoBefore, userId)
    const round = await api.entry<{ roundToken: string; startedAt: number }>(
      '/leaderboard',
      { action: 'startRound' },
      token,
    )
    players.push({ userId, token, roundToken: round.roundToken, score: 30 + index })
    lastStart = round.startedAt
  }
  await waitUntil(lastStart + ROUND_DURATION_MS)

  const answered = {
    users: new Set<string>(),
    inGroup: new Set<string>(),
    entered: new Set<string>(),
    scores: new Map<string, number>(),
  }
  const burst = killAtAnswer(preview, KILL_AFTER)
  const { send } = burst
  const journeys: Array<() => Promise<void>> = []
  for (let index = 0; index < NEWCOMERS; index++) {
    journeys.push(async () => {
      const { userId } = await send(() =>
        api.post<{ userId: string }>('/api/dingtalk-sim/users', { name: `新人${index}` }),
      )
      answered.users.add(userId)
      await send(() =>
        api.post('/api/dingtalk-sim/members', { chatId: demo.chatId, userId, remove: false }),
      )
      answered.inGroup.add(userId)
      const authCode = await send(() => api.authCode(before.corpId, userId))
      const token = await send(() => api.login(before.corpId, authCode))
      await send(() =>
        api.entry(
          '/leaderboard',
          {
            action: 'enterGroup',
            dingtalk: { corpId: before.corpId, openConversationId: demo.openConversationId },
          },
          token,
        ),
      )
      answered.entered.add(userId)
    })
    const player = players[index % 4 === 0 ? index / 4 : -1]
    if (player) {
      journeys.push(async () => {
        await send(() =>
          api.entry(
            '/leaderboard',
            {
              action: 'submitScore',
              roundToken: player.roundToken,
              score: player.score,
              taps: evenTapTimeline(player.score, ROUND_DURATION_MS),
              requestId: `dd-crash-${player.userId}`,
            },
            player.token,
          ),
        )
        answered.scores.set(player.userId, player.score)
      })
    }
  }
  await runJourneys(journeys, CONCURRENCY)
  await preview.kill()
  const { answers, killed, unexpected } = burst

  expect(unexpected).toEqual([])
  expect(killed).toBe(true)
  expect(answers).toBeLessThan(BURST_REQUESTS)
  expect(answered.entered.size).toBeGreaterThan(0)
  expect(answered.scores.size).toBeGreaterThan(0)

  preview = await startPreview(dataDir)
  api = dingtalkPreviewClient(preview.url)
  const after = await api.state()
  const demoAfter = after.groups.find((group) => group.chatId === demo.chatId)

  // The DingTalk side: the same group under the same ids, its owner, every answered member.
  expect(demoAfter).toMatchObject({
    openConversationId: demo.openConversationId,
    entryUrl: demo.entryUrl,
    name: demo.name,
    owner: demoBefore.owner,
  })
  expect(demoAfter!.members).toEqual(expect.arrayContaining(demoBefore.members))
  expect(demoAfter!.members).toEqual(expect.arrayContaining([...answered.inGroup]))
  expect(after.users.map((user) => user.userId)).toEqual(
    expect.arrayContaining([...before.users.map((user) => user.userId), ...answered.users]),
  )

  // The cloud side, through the DingTalk mode: the demo's five scores and every answered one.
  const owner = await openEntry(api, after, demoAfter!, demoBefore.owner!)
  const scored = owner.ranking.rows.filter((row) => row.played !== false)
  expect(owner.ranking.rows.length).toBe(demoAfter!.members.length)
  expect(scored.map((row) => row.score)).toEqual(
    expect.arrayContaining([...DEMO_SCORES, ...answered.scores.values()]),
  )
  for (const [userId, score] of answered.scores) {
    const { ranking } = await openEntry(api, after, demoAfter!, userId)
    expect(ranking.me).toMatchObject({ score, isMe: true })
  }

  // Seeding again finds the demo group instead of building a second one.
  const again = await api.post<SimGroup>('/api/dingtalk-sim/demo', {})
  expect(again.chatId).toBe(demo.chatId)
  const final = await api.state()
  expect(final.groups.filter((group) => group.name === demo.name)).toHaveLength(1)
  expect(final.users).toHaveLength(after.users.length)
  await preview.stop()
  preview = null

  // No cloud row outlived the stand-in: every DingTalk member the store holds is a known user.
  const db = new Database(join(dataDir, 'leaderboard.sqlite'), { readonly: true })
  const players_ = db
    .prepare(`SELECT DISTINCT openid FROM memberships WHERE openid LIKE 'dd:%'`)
    .pluck()
    .all() as string[]
  db.close()
  const known = new Set(final.users.map((user) => `dd:${final.corpId}:${user.userId}`))
  expect(players_.filter((player) => !known.has(player))).toEqual([])
  expect(players_.length).toBeGreaterThanOrEqual(DEMO_SCORES.length + answered.entered.size)
})
