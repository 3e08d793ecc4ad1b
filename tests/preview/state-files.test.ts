// Seam: `npm start`'s process on a data folder whose state files are damaged, of another version or missing: it refuses, names the file, changes nothing; `--reset` and the import of the earlier layout.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'

import Database from 'better-sqlite3'

import { SCHEMA_VERSION } from '../../cloudfunctions/adapters/sqlite-store'
import { readPreviewState } from '../../local/server/state-db'
import {
  type Exit,
  fileDigests,
  previewClient,
  runUntilExit,
  startPreview,
} from './support/preview-process'

jest.setTimeout(120_000)

const DB = 'leaderboard.sqlite'
const STAND_IN = 'wechat.json'
const SERVER = 'server.json'

let root: string
/** A folder as this version leaves it: everything in leaderboard.sqlite. */
let current: string
/** The same data as the earlier version kept it: wechat.json + server.json beside the cloud data. */
let legacy: string
/** A folder whose server was killed: the last commits are still only in the WAL file. */
let crashed: string
let memberCount: number

function withDb(dir: string, work: (db: Database.Database) => void): void {
  const db = new Database(join(dir, DB))
  try {
    work(db)
  } finally {
    db.close()
  }
}

const cutInHalf = (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2))

async function buildFixtures(): Promise<void> {
  current = join(root, 'current')
  const preview = await startPreview(current)
  const client = previewClient(preview.url)
  const founder = await client.addMember('founder')
  const friend = await client.addMember('friend')
  const { chatId } = await client.post<{ chatId: string }>('/api/sim/groups', {
    name: 'state files',
    members: [founder, friend],
  })
  const { cardId } = await client.post<{ cardId: string }>('/api/sim/share', {
    as: founder,
    target: { chatId },
    withShareTicket: true,
  })
  for (const openid of [founder, friend]) {
    await client.enterGroup(await client.openCard(openid, cardId))
  }
  memberCount = (await client.state()).members.length
  // The DingTalk mode's demo: a group, its members and their rows in the cloud tables.
  await client.post('/api/dingtalk-sim/demo', {})
  await preview.stop()

  crashed = join(root, 'crashed')
  const doomed = await startPreview(crashed)
  await previewClient(doomed.url).addMember('last words')
  await doomed.kill()
  expect(existsSync(join(crashed, `${DB}-wal`))).toBe(true)

  legacy = join(root, 'legacy')
  cpSync(current, legacy, { recursive: true })
  withDb(legacy, (db) => {
    const state = readPreviewState(db)!
    writeFileSync(join(legacy, STAND_IN), `${JSON.stringify(state.standIn)}\n`)
    const { appid, memberKeySalt, sessions } = state
    writeFileSync(
      join(legacy, SERVER),
      `${JSON.stringify({ version: 1, appid, memberKeySalt, sessions })}\n`,
    )
    // The earlier layout kept the DingTalk stand-in in memory.
    db.exec(
      'DROP TABLE preview_meta; DROP TABLE preview_sessions; DROP TABLE wechat_records; DROP TABLE dingtalk_records',
    )
  })
}

interface Case {
  name: string
  from: () => string
  change: (dir: string) => void
  /** The file the message must name. */
  file: string
  problem: RegExp
}

const onDb = (sql: string) => (dir: string) => withDb(dir, (db) => db.exec(sql))
const write = (file: string, text: string) => (dir: string) => writeFileSync(join(dir, file), text)
const remove = (file: string) => (dir: string) => rmSync(join(dir, file))

const CASES: Case[] = [
  // This version's layout: the SQLite file is the state file.
  {
    name: 'leaderboard.sqlite cut in half',
    from: () => current,
    change: (dir) => cutInHalf(join(dir, DB)),
    file: DB,
    problem: /not a readable SQLite database|is damaged/,
  },
  {
    name: 'leaderboard.sqlite holding {}',
    from: () => current,
    change: write(DB, '{}'),
    file: DB,
    problem: /not a readable SQLite database \(file is not a database\)/,
  },
  {
    name: 'leaderboard.sqlite holding null',
    from: () => current,
    change: write(DB, 'null'),
    file: DB,
    problem: /not a readable SQLite database/,
  },
  {
    name: 'leaderboard.sqlite of a newer cloud schema',
    from: () => current,
    change: onDb(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`),
    file: DB,
    problem: /newer version of this code \(cloud schema \d+/,
  },
  {
    name: 'the preview state of a newer format',
    from: () => current,
    change: onDb(`UPDATE preview_meta SET value = '2' WHERE key = 'format'`),
    file: DB,
    problem: /format 2, written by a newer version/,
  },
  {
    name: 'the preview state without a format',
    from: () => current,
    change: onDb(`DELETE FROM preview_meta WHERE key = 'format'`),
    file: DB,
    problem: /no format version/,
  },
  {
    name: 'a stand-in record holding {}',
    from: () => current,
    change: onDb(`UPDATE wechat_records SET value = '{}' WHERE collection = 'accounts'`),
    file: DB,
    problem: /stand-in's state is damaged: accounts\[".+"\]\.appid should be a string/,
  },
  {
    name: 'a stand-in record holding null',
    from: () => current,
    change: onDb(`UPDATE wechat_records SET value = 'null' WHERE collection = 'chats'`),
    file: DB,
    problem: /stand-in's state is damaged: chats\[".+"\] should be an object/,
  },
  {
    name: "the stand-in's records deleted",
    from: () => current,
    change: onDb('DELETE FROM wechat_records'),
    file: DB,
    problem: /stand-in's state does not know the app wx[0-9a-f]{16}/,
  },
  {
    name: "the stand-in's tables dropped, the cloud rows kept",
    from: () => current,
    change: onDb('DROP TABLE preview_meta; DROP TABLE preview_sessions; DROP TABLE wechat_records'),
    file: DB,
    problem: /holds \d+ rows of cloud data, but the WeChat stand-in's state .* is missing/,
  },
  // The DingTalk stand-in's table in the same file.
  {
    name: 'a DingTalk stand-in record holding {}',
    from: () => current,
    change: onDb(`UPDATE dingtalk_records SET value = '{}' WHERE collection = 'users'`),
    file: DB,
    problem: /DingTalk stand-in's state is damaged: users\[".+"\]\.corpId should be a string/,
  },
  {
    name: 'a DingTalk stand-in record holding null',
    from: () => current,
    change: onDb(`UPDATE dingtalk_records SET value = 'null' WHERE collection = 'groups'`),
    file: DB,
    problem: /DingTalk stand-in's state is damaged: groups\[".+"\] should be an object/,
  },
  {
    name: 'a DingTalk stand-in record cut short',
    from: () => current,
    change: onDb(
      `UPDATE dingtalk_records SET value = substr(value, 1, 10) WHERE collection = 'apps'`,
    ),
    file: DB,
    problem: /DingTalk stand-in's state is damaged: apps\[".+"\] is not JSON/,
  },
  {
    name: 'the DingTalk stand-in of a newer format',
    from: () => current,
    change: onDb(`UPDATE preview_meta SET value = '2' WHERE key = 'dingtalkFormat'`),
    file: DB,
    problem: /DingTalk stand-in's state is format 2, written by a newer version/,
  },
  {
    name: 'the DingTalk stand-in without a format',
    from: () => current,
    change: onDb(`DELETE FROM preview_meta WHERE key = 'dingtalkFormat'`),
    file: DB,
    problem: /DingTalk stand-in's state has no format version/,
  },
  {
    name: "the DingTalk stand-in's table dropped",
    from: () => current,
    change: onDb('DROP TABLE dingtalk_records'),
    file: DB,
    problem: /the table dingtalk_records is missing/,
  },
  {
    name: "the DingTalk stand-in's records deleted",
    from: () => current,
    change: onDb('DELETE FROM dingtalk_records'),
    file: DB,
    problem: /DingTalk stand-in's state has no app: its records are gone/,
  },
  {
    name: 'a DingTalk group member without a user',
    from: () => current,
    change: onDb(
      `DELETE FROM dingtalk_records WHERE collection = 'users' AND key LIKE '%user012%'`,
    ),
    file: DB,
    problem:
      /DingTalk stand-in's state is damaged: groups\[".+"\] names user012, who is not a user/,
  },
  {
    name: 'the DingTalk users and groups deleted, their cloud rows kept',
    from: () => current,
    change: onDb(`DELETE FROM dingtalk_records WHERE collection IN ('users', 'groups')`),
    file: DB,
    problem:
      /cloud rows of the DingTalk user dd:\w+:user\d+ have no user in the DingTalk stand-in's state/,
  },
  {
    // Opening this database for real would replay its WAL and checkpoint it on close.
    name: "wechat.json beside a crashed server's database",
    from: () => crashed,
    change: write(STAND_IN, '{}'),
    file: STAND_IN,
    problem: /left over from an earlier version, but leaderboard\.sqlite already holds the state/,
  },
  // The earlier layout, as it is imported.
  ...(
    [
      [STAND_IN, '{}', /has no version/],
      [STAND_IN, 'null', /the snapshot should be an object/],
      [STAND_IN, '{"version":2}', /version 2; this code reads version 1/],
      [STAND_IN, '{"version":1}', /apps should be an object/],
      [SERVER, '{}', /has no version/],
      [SERVER, 'null', /should hold an object, but holds null/],
      [SERVER, '{"version":2}', /is version 2; this code reads version 1/],
    ] as const
  ).map(
    ([file, text, problem]): Case => ({
      name: `${file} holding ${text}`,
      from: () => legacy,
      change: write(file, text),
      file,
      problem,
    }),
  ),
  ...[STAND_IN, SERVER].map(
    (file): Case => ({
      name: `${file} cut in half`,
      from: () => legacy,
      change: (dir) => cutInHalf(join(dir, file)),
      file,
      problem: /is not valid JSON \(.+\); it may be cut short/,
    }),
  ),
  {
    name: 'wechat.json missing beside server.json',
    from: () => legacy,
    change: remove(STAND_IN),
    file: STAND_IN,
    problem: /is missing, but server\.json is here/,
  },
  {
    name: 'server.json missing beside wechat.json',
    from: () => legacy,
    change: remove(SERVER),
    file: SERVER,
    problem: /is missing, but wechat\.json is here/,
  },
  {
    name: 'leaderboard.sqlite missing beside wechat.json and server.json',
    from: () => legacy,
    change: remove(DB),
    file: DB,
    problem: /is missing, but wechat\.json and server\.json are here/,
  },
  {
    name: 'wechat.json and server.json missing beside the cloud rows',
    from: () => legacy,
    change: (dir) => {
      remove(STAND_IN)(dir)
      remove(SERVER)(dir)
    },
    file: DB,
    problem: /holds \d+ rows of cloud data, but the WeChat stand-in's state .* is missing/,
  },
]

interface Outcome {
  dir: string
  before: Record<string, string>
  after: Record<string, string>
  exit: Exit
}
const outcomes = new Map<string, Outcome>()

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'preview-state-files-'))
  await buildFixtures()
  // Every refused start at once (four at a time): each is a process of its own.
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < CASES.length) {
        const index = next++
        const testCase = CASES[index]!
        const dir = join(root, `case-${index}`)
        cpSync(testCase.from(), dir, { recursive: true })
        testCase.change(dir)
        const before = fileDigests(dir)
        const exit = await runUntilExit(dir)
        outcomes.set(testCase.name, { dir, before, after: fileDigests(dir), exit })
      }
    }),
  )
})

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('a start on state it cannot use is refused, and changes nothing', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (name, testCase) => {
    const { dir, before, after, exit } = outcomes.get(name)!

    expect(exit.code).toBe(3)
    expect(exit.stdout).not.toMatch(/simulator\s+http/)
    expect(exit.stderr).toContain(`Not starting: ${join(dir, testCase.file)}\n`)
    expect(exit.stderr).toMatch(testCase.problem)
    expect(exit.stderr).toContain(`restore ${join(dir, testCase.file)}`)
    expect(exit.stderr).toContain(`npm start -- --data-dir ${dir} --reset`)
    expect(after).toEqual(before)
  })
})

describe('the ways forward', () => {
  it('--reset moves the refused folder aside, byte for byte, and starts with no data', async () => {
    const dir = join(root, 'reset')
    cpSync(current, dir, { recursive: true })
    writeFileSync(join(dir, DB), '{}')
    const before = fileDigests(dir)

    const preview = await startPreview(dir, ['--reset'])
    const state = await previewClient(preview.url).state()
    await preview.stop()

    const moved = readdirSync(dirname(dir))
      .filter((name) => name.startsWith(`${basename(dir)}.`))
      .map((name) => join(dirname(dir), name))
    expect(moved).toHaveLength(1)
    expect(basename(moved[0]!)).toMatch(/^reset\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/)
    expect(fileDigests(moved[0]!)).toEqual(before)
    expect(state.members).toEqual([])
    expect(preview.output()).toContain(`moved the old data to ${moved[0]}`)
  })

  it('imports a folder of the earlier layout once, keeping its users, groups and sessions, and finishes an interrupted import', async () => {
    const dir = join(root, 'import')
    cpSync(legacy, dir, { recursive: true })
    const server = JSON.parse(readFileSync(join(dir, SERVER), 'utf8')) as {
      sessions: Record<string, string>
    }
    const [token, openid] = Object.entries(server.sessions)[0]!

    const first = await startPreview(dir)
    const state = await previewClient(first.url).state()
    const groups = await previewClient(first.url).cloud<{ groups: unknown[] }>(token, {
      action: 'listMyGroups',
    })
    await first.stop()
    const renamed = existsSync(join(dir, `${STAND_IN}.imported`))
    // As if the process had died between the import's commit and the renames.
    cpSync(join(dir, `${STAND_IN}.imported`), join(dir, STAND_IN))
    const second = await startPreview(dir)
    const again = await previewClient(second.url).state()
    await second.stop()

    expect(state.members).toHaveLength(memberCount)
    expect(state.members.map((m) => m.openid)).toContain(openid)
    expect(groups.groups).toHaveLength(1)
    expect(renamed).toBe(true)
    expect(existsSync(join(dir, `${SERVER}.imported`))).toBe(true)
    expect(again).toEqual(state)
    expect(existsSync(join(dir, STAND_IN))).toBe(false)
  })
})
