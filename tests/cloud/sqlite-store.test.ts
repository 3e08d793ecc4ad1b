// Seam: the SQLite adapter's own duties: schema migrations, WAL settings, index-driven rankings.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { openSqliteStore, SCHEMA_VERSION } from '../../cloudfunctions/adapters/sqlite-store'
import { periodKeys } from '../../cloudfunctions/core/periods'

describe('SQLite adapter', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-sqlite-'))
  })

  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('creates the schema in WAL mode with a busy timeout', () => {
    const store = openSqliteStore({ filename: join(dir, 'a.sqlite'), busyTimeoutMs: 1234 })

    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(1234)
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(Object.keys(store.snapshot())).toEqual([
      'bests',
      'credits',
      'history',
      'jobs',
      'memberships',
      'notices',
      'overtakes',
      'profiles',
      'rate_limits',
      'rounds',
    ])
    store.close()
  })

  it('migrates a version-1 file forward and keeps its data', () => {
    const file = join(dir, 'old.sqlite')
    const seeded = openSqliteStore({ filename: file })
    seeded.db.prepare(`INSERT INTO profiles VALUES ('alice', 'Al', NULL, 1)`).run()
    seeded.close()
    // Rewind the file to what step 1 alone produced.
    const raw = new Database(file)
    raw.exec(`CREATE TABLE group_scores (group_id TEXT, period_key TEXT, openid TEXT)`)
    raw.exec(`DROP TABLE credits; DROP TABLE notices; DROP TABLE history; DROP TABLE jobs; DROP TABLE overtakes;
      DROP INDEX bests_by_period; DROP INDEX rounds_by_expiry; DROP INDEX rate_limits_by_window`)
    raw.pragma('user_version = 1')
    raw.close()

    const store = openSqliteStore({ filename: file })

    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    expect(store.snapshot()).not.toHaveProperty('group_scores')
    expect(store.snapshot().profiles).toEqual([
      { openid: 'alice', nickname: 'Al', avatar_url: null, updated_at: 1 },
    ])
    store.close()
  })

  it('refuses a file written by a newer schema', () => {
    const file = join(dir, 'new.sqlite')
    const raw = new Database(file)
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    raw.close()

    expect(() => openSqliteStore({ filename: file })).toThrow(/newer than this code/)
  })

  it('answers rankings from primary-key ranges and lookups, never a table scan', () => {
    const store = openSqliteStore({ filename: ':memory:' })
    const plan = (sql: string) =>
      (
        store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({
          groupId: 'G',
          periodKey: 'all',
          openid: 'o',
          score: 1,
          achievedAt: 1,
          memberKey: 'k',
          limit: 51,
        }) as Array<{ detail: string }>
      ).map((row) => row.detail)
    const sql = (name: string) =>
      (store as unknown as { sql: Record<string, { source: string }> }).sql[name]!.source

    for (const statement of ['firstPage', 'nextPage', 'countAhead', 'getEntry']) {
      const details = plan(sql(statement))
      expect(details).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^SEARCH m USING PRIMARY KEY \(group_id=\?/),
          'SEARCH b USING PRIMARY KEY (openid=? AND period_key=?)',
        ]),
      )
      expect(details.join('\n')).not.toMatch(/^SCAN (m|b|memberships|bests)\b/m)
    }
    // Queueing "overtaken" notices starts from the submitter's memberships, never a period scan.
    for (const statement of ['queueOvertaken', 'queueOvertakenSince']) {
      const details = (
        store.db.prepare(`EXPLAIN QUERY PLAN ${sql(statement)}`).all({
          openid: 'o',
          score: 1,
          achievedAt: 1,
          period: 'all',
          periodKey: 'all',
          dayKey: 'd:2024-05-15',
          beforeScore: 0,
          beforeAchievedAt: 0,
        }) as Array<{ detail: string }>
      ).map((row) => row.detail)
      expect(details).toEqual([
        expect.stringMatching(/^SEARCH me USING (COVERING )?INDEX memberships_by_openid/),
        expect.stringMatching(/^SEARCH m USING PRIMARY KEY \(group_id=\?/),
        'SEARCH c USING PRIMARY KEY (openid=?)',
        'SEARCH b USING PRIMARY KEY (openid=? AND period_key=?)',
      ])
    }
    store.close()
  })

  it('writes one overtake row per passing submission and leaves the recipients to the delivery run', async () => {
    const store = openSqliteStore({ filename: ':memory:' })
    const t0 = Date.UTC(2024, 4, 15, 4, 0, 0)
    const keys = periodKeys(t0)
    const score = async (openid: string, value: number, at: number, notify: boolean) => {
      const token = `tok-${openid}-${value}`.padEnd(16, 'x')
      await store.createRound({ token, openid, startedAt: at - 1000, expiresAt: at + 60_000 }, 0)
      return store.applyScore({
        token,
        openid,
        requestId: `req-${token}`,
        score: value,
        achievedAt: at,
        periodKeys: keys,
        ...(notify ? { notify: { dayKey: keys.today } } : {}),
      })
    }
    for (const group of ['G1', 'G2']) {
      for (const openid of ['alice', 'carol', 'dave', 'bob']) {
        await store.joinGroup({ groupId: group, openid, memberKey: `k-${openid}`, joinedAt: t0 })
      }
    }
    for (const openid of ['alice', 'carol', 'dave']) {
      await store.addCredits(openid, ['overtaken'], t0)
      await score(openid, 10, t0 - 5000, false)
    }
    const rows = () => store.db.prepare(`SELECT count(*) FROM overtakes`).pluck().get()
    const notices = () => store.db.prepare(`SELECT count(*) FROM notices`).pluck().get()

    await score('bob', 40, t0, true)

    // Six notices are due (three members in two groups), yet the submission wrote one row.
    expect({ rows: rows(), notices: notices() }).toEqual({ rows: 1, notices: 0 })
    expect(await store.listDueNotices(t0 + 60_000, 100)).toHaveLength(6)
    expect({ rows: rows(), notices: notices() }).toEqual({ rows: 0, notices: 6 })

    await score('bob', 5, t0 + 1000, true) // raises nothing: no row
    expect(rows()).toBe(0)
    store.close()
  })
})
