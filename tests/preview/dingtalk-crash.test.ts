// Seam: `npm start`'s process over HTTP in its DingTalk mode (/api/dingtalk-sim/*, /api/dingtalk/*), killed with SIGKILL in the middle of a burst of new members, joins and scores, then restarted on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { ROUND_DURATION_MS } from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { type RunningPreview, startPreview } from './support/preview-process'

jest.setTimeout(90_000)

/** Every newcomer's journey is five requests: user, group member, auth code, login, enterGroup. */
const NEWCOMERS = 16
/** Demo members who had not played: they start a round before the burst and submit during it. */
const PLAYERS = 4
const BURST_REQUESTS = NEWCOMERS * 5 + PLAYERS
const KILL_AFTER = 40
const CONCURRENCY = 6
const DEMO_SCORES = [88, 120, 64, 101, 45]

interface SimGroup {
  chatId: string
  openConversationId: string
  name: string
  entryUrl: string
  owner: string | null
  members: string[]
}

interface SimState {
  corpId: string
  users: Array<{ userId: string; name: string }>
  groups: SimGroup[]
}

interface Row {
  nickname: string | null
  score: number
  played?: boolean
  isMe: boolean
}

interface Envelope<T> {
  ok: boolean
  data?: T
  error?: { code: string }
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

function client(baseUrl: string) {
  // The simulator API needs the token that `npm start` printed inside the simulator's URL.
  const simHeaders = { 'x-simulator-token': new URL(baseUrl).searchParams.get('token') ?? '' }
  const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const response = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...simHeaders,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`)
    return JSON.parse(text) as T
  }
  const entry = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const answer = await post<Envelope<T>>(`/api/dingtalk${path}`, body, token)
    if (!answer.ok) throw new Error(`${path}: ${answer.error?.code}`)
    return answer.data!
  }
  return {
    post,
    entry,
    state: async (): Promise<SimState> =>
      (await (
        await fetch(new URL('/api/dingtalk-sim/state', baseUrl), { headers: simHeaders })
      ).json()) as SimState,
    authCode: async (corpId: string, userId: string) =>
      (await post<{ authCode: string }>('/api/dingtalk-sim/auth-code', { corpId, userId }))
        .authCode,
    login: async (corpId: string, authCode: string) =>
      (await entry<{ sessionToken: string }>('/login', { corpId, authCode })).sessionToken,
  }
}

type Client = ReturnType<typeof client>

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
  let api = client(preview.url)
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
  await new Promise((resolve) => setTimeout(resolve, lastStart + ROUND_DURATION_MS - Date.now()))

  const answered = {
    users: new Set<string>(),
    inGroup: new Set<string>(),
    entered: new Set<string>(),
    scores: new Map<string, number>(),
  }
  let answers = 0
  let killed = false
  const unexpected: unknown[] = []
  const send = async <T>(request: () => Promise<T>): Promise<T> => {
    if (killed) throw new Error('not sent: the server was killed')
    try {
      const result = await request()
      answers += 1
      if (answers === KILL_AFTER) {
        killed = true
        preview!.child.kill('SIGKILL')
      }
      return result
    } catch (error) {
      if (!killed) unexpected.push(error)
      throw error
    }
  }
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
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < journeys.length) await journeys[next++]!().catch(() => undefined)
    }),
  )
  await preview.kill()

  expect(unexpected).toEqual([])
  expect(killed).toBe(true)
  expect(answers).toBeLessThan(BURST_REQUESTS)
  expect(answered.entered.size).toBeGreaterThan(0)
  expect(answered.scores.size).toBeGreaterThan(0)

  preview = await startPreview(dataDir)
  api = client(preview.url)
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
