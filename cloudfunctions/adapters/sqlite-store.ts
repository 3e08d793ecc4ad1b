import Database from 'better-sqlite3'

import type { NoticeKind, Period, Profile } from '../../shared/contract'
import type { PeriodKeys } from '../core/periods'
import {
  type ApplyScoreResult,
  BEST_ORDER,
  type Credits,
  type GroupStanding,
  isBetterBest,
  type JobState,
  type JoinResult,
  keysetTerms,
  type LeaderboardStore,
  type MembershipRecord,
  type NewMembership,
  type NewRound,
  type NoticeOutcome,
  type NoticePayload,
  type NoticeRecord,
  type ProfilePatch,
  type PruneCutoffs,
  type RankedEntry,
  RANKING_ORDER,
  type RankingQuery,
  type RankPosition,
  type RateLimitHit,
  type RoundRecord,
  type ScoreEntry,
  type ScoreSubmission,
  type WeekHistory,
} from '../core/store'

type Db = Database.Database

/**
 * Schema history: entry N moves a database from user_version N to N + 1. Append only; never edit
 * a released step, because files in the wild already ran it.
 */
const MIGRATIONS: ReadonlyArray<(db: Db) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE profiles (
        openid TEXT PRIMARY KEY,
        nickname TEXT,
        avatar_url TEXT,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE memberships (
        group_id TEXT NOT NULL,
        openid TEXT NOT NULL,
        member_key TEXT NOT NULL,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (group_id, openid)
      ) WITHOUT ROWID;
      CREATE INDEX memberships_by_openid ON memberships (openid, joined_at);

      -- The player's own bests: the source of truth for scores.
      CREATE TABLE bests (
        openid TEXT NOT NULL,
        period_key TEXT NOT NULL,
        score INTEGER NOT NULL,
        achieved_at INTEGER NOT NULL,
        PRIMARY KEY (openid, period_key)
      ) WITHOUT ROWID;

      -- memberships JOIN bests, materialised (dropped by step 2, see there).
      CREATE TABLE group_scores (
        group_id TEXT NOT NULL,
        period_key TEXT NOT NULL,
        openid TEXT NOT NULL,
        member_key TEXT NOT NULL,
        score INTEGER NOT NULL,
        achieved_at INTEGER NOT NULL,
        PRIMARY KEY (group_id, period_key, openid)
      ) WITHOUT ROWID;
      CREATE INDEX group_scores_ranking
        ON group_scores (group_id, period_key, score DESC, achieved_at ASC, member_key ASC);
      CREATE INDEX group_scores_by_openid ON group_scores (openid);

      CREATE TABLE rounds (
        token TEXT PRIMARY KEY,
        openid TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        used_request_id TEXT,
        used_score INTEGER,
        used_at INTEGER,
        result TEXT
      ) WITHOUT ROWID;
      CREATE INDEX rounds_by_openid ON rounds (openid, expires_at);

      CREATE TABLE rate_limits (
        openid TEXT NOT NULL,
        bucket TEXT NOT NULL,
        window_start INTEGER NOT NULL,
        hits INTEGER NOT NULL,
        PRIMARY KEY (openid, bucket, window_start)
      ) WITHOUT ROWID;
    `),
  // The materialised join cost ~24 WAL frames per submission (4 groups x 3 periods x 2 b-trees),
  // which capped submissions near 1,000/s here. A WeChat group has at most 500 members, so the
  // join of memberships (by group) with bests (by player) is bounded and stays fast to read.
  (db) =>
    db.exec(`
      DROP INDEX IF EXISTS group_scores_ranking;
      DROP INDEX IF EXISTS group_scores_by_openid;
      DROP TABLE IF EXISTS group_scores;
    `),
  // Subscribe messages: send credits per player and kind, and the outbox of notices. A notice
  // stays after delivery (state sent/dropped) so its deterministic id keeps a second one out.
  (db) =>
    db.exec(`
      CREATE TABLE credits (
        openid TEXT PRIMARY KEY,
        overtaken INTEGER NOT NULL DEFAULT 0,
        weekly INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        openid TEXT NOT NULL,
        group_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        payload TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX notices_due ON notices (state, due_at);
      CREATE INDEX notices_by_openid ON notices (openid);
    `),
  // The weekly close and pruning: scorers of a period in openid order, expired rounds and old
  // rate-limit windows by time, closed weeks' podiums, and resumable job progress.
  (db) =>
    db.exec(`
      CREATE INDEX bests_by_period ON bests (period_key, openid);
      CREATE INDEX rounds_by_expiry ON rounds (expires_at);
      CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
      CREATE TABLE history (
        week_key TEXT NOT NULL,
        group_id TEXT NOT NULL,
        podium TEXT NOT NULL,
        scorers INTEGER NOT NULL,
        closed_at INTEGER NOT NULL,
        PRIMARY KEY (week_key, group_id)
      ) WITHOUT ROWID;
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        cursor TEXT,
        done INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `),
  // Membership ages out (issue 13): the time of the member's last verified proof. Memberships
  // from before count as proven when they joined.
  (db) => {
    const columns = db.pragma('table_info(memberships)') as Array<{ name: string }>
    if (columns.some((column) => column.name === 'proven_at')) return
    db.exec(`
      ALTER TABLE memberships ADD COLUMN proven_at INTEGER NOT NULL DEFAULT 0;
      UPDATE memberships SET proven_at = joined_at;
    `)
  },
  // Searching the recipients inside the submission's transaction (memberships ⋈ credits ⋈ bests,
  // ~2,000 lookups and many notice writes per submission) cut submitScore at 1M rows from ~8,700/s
  // to ~560/s. A submission now appends one row saying which windows it raised and from what;
  // listDueNotices expands it into per-recipient notices, as the CloudBase adapter does.
  // A null *_key: that window was not raised; a null *_before_score: there was no earlier best.
  // No index on openid: deleteUserData scans the few rows not yet expanded, and each index
  // would cost every submission another b-tree write.
  (db) =>
    db.exec(`
      CREATE TABLE overtakes (
        id INTEGER PRIMARY KEY,
        openid TEXT NOT NULL,
        score INTEGER NOT NULL,
        achieved_at INTEGER NOT NULL,
        day_key TEXT NOT NULL,
        all_key TEXT,
        all_before_score INTEGER,
        all_before_at INTEGER,
        week_key TEXT,
        week_before_score INTEGER,
        week_before_at INTEGER
      );
    `),
]

export const SCHEMA_VERSION = MIGRATIONS.length

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' for a private in-process store (tests). */
  filename: string
  /** How long a writer waits for another process's lock before failing; default 5 s. */
  busyTimeoutMs?: number
  /** Page cache per connection; default 64 MB. */
  cacheSizeMb?: number
  /** Memory-mapped read window; default 0 (off: see the constructor). */
  mmapSizeMb?: number
  /** WAL pages between automatic checkpoints; default 10,000 (SQLite's own default is 1,000). */
  walAutocheckpointPages?: number
}

/** Rows for `bulkSeed`; iterables so a million rows never sit in one array. */
export interface BulkSeed {
  profiles?: Iterable<{ openid: string; nickname: string | null; avatarUrl: string | null }>
  memberships?: Iterable<NewMembership>
  bests?: Iterable<{ openid: string; periodKey: string; score: number; achievedAt: number }>
}

interface MembershipRow {
  group_id: string
  openid: string
  member_key: string
  joined_at: number
  proven_at: number
}

function toMembership(row: MembershipRow): MembershipRecord {
  return {
    groupId: row.group_id,
    openid: row.openid,
    memberKey: row.member_key,
    joinedAt: row.joined_at,
    provenAt: row.proven_at,
  }
}

type Order<K extends string> = ReadonlyArray<{ key: K; direction: 'asc' | 'desc' }>

/**
 * The core order's keyset terms as SQL: rows whose `columns` lie strictly `side` of the values
 * `values` (parameter names or other columns) in `order`.
 */
function keysetSql<K extends string>(
  order: Order<K>,
  columns: Record<K, string>,
  values: Record<K, string>,
  side: 'ahead' | 'behind',
): string {
  return keysetTerms(order)
    .map(({ equal, key, direction }) => {
      const op = (direction === 'desc') === (side === 'ahead') ? '>' : '<'
      const parts = [...equal.map((k) => `${columns[k]} = ${values[k]}`)]
      parts.push(`${columns[key]} ${op} ${values[key]}`)
      return `(${parts.join(' AND ')})`
    })
    .join(' OR ')
}

function orderSql<K extends string>(order: Order<K>, columns: Record<K, string>): string {
  return order.map(({ key, direction }) => `${columns[key]} ${direction.toUpperCase()}`).join(', ')
}

const JOINED = { score: 'b.score', achievedAt: 'b.achieved_at', memberKey: 'm.member_key' }
const PAGED = { score: 't.score', achievedAt: 't.achieved_at', memberKey: 't.member_key' }
const PARAMS = { score: '@score', achievedAt: '@achievedAt', memberKey: '@memberKey' }
const RANK_ORDER_JOINED = orderSql(RANKING_ORDER, JOINED)
const RANK_ORDER_PAGED = orderSql(RANKING_ORDER, PAGED)
/** Whether an upserted best replaces the stored one (the core's best order). */
const BETTER = keysetSql(
  BEST_ORDER,
  { score: 'excluded.score', achievedAt: 'excluded.achieved_at' },
  { score: 'score', achievedAt: 'achieved_at' },
  'ahead',
)
const SEED_BATCH = 50_000

const THEIRS = { score: 'b.score', achievedAt: 'b.achieved_at' }

/**
 * CROSS JOIN pins the order: the player's groups, their members, the credit, then the member's
 * best by primary key. Left free, the planner starts from every best of the period
 * (`bests_by_period`), a scan of all players per submission.
 */
function overtakenSql(withBefore: boolean): string {
  const passed = keysetSql(
    BEST_ORDER,
    THEIRS,
    { score: '@score', achievedAt: '@achievedAt' },
    'behind',
  )
  const passedBefore = keysetSql(
    BEST_ORDER,
    THEIRS,
    { score: '@beforeScore', achievedAt: '@beforeAchievedAt' },
    'behind',
  )
  return `INSERT OR IGNORE INTO notices
      (id, kind, openid, group_id, created_at, due_at, attempts, state, payload)
    -- the id of core/notices.ts overtakenNoticeId
    SELECT 'overtaken:' || @dayKey || ':' || m.group_id || ':' || m.openid, 'overtaken', m.openid,
      m.group_id, @achievedAt, @achievedAt, 0, 'pending',
      json_object('kind', 'overtaken', 'byOpenid', @openid, 'score', @score, 'period', @period)
    FROM memberships me
    CROSS JOIN memberships m ON m.group_id = me.group_id AND m.openid <> me.openid
    CROSS JOIN credits c ON c.openid = m.openid AND c.overtaken > 0
    CROSS JOIN bests b ON b.openid = m.openid AND b.period_key = @periodKey
    WHERE me.openid = @openid AND (${passed})${withBefore ? ` AND NOT (${passedBefore})` : ''}`
}

/** Overtakes expanded per write transaction, and at most per listDueNotices call. */
const OVERTAKE_CHUNK = 200
const OVERTAKES_PER_RUN = 20_000

interface OvertakeRow {
  id: number
  openid: string
  score: number
  achieved_at: number
  day_key: string
  all_key: string | null
  all_before_score: number | null
  all_before_at: number | null
  week_key: string | null
  week_before_score: number | null
  week_before_at: number | null
}

interface NoticeRow {
  id: string
  kind: string
  openid: string
  group_id: string
  created_at: number
  due_at: number
  attempts: number
  state: string
  payload: string
}

function toNotice(row: NoticeRow): NoticeRecord {
  return {
    id: row.id,
    kind: row.kind as NoticeKind,
    openid: row.openid,
    groupId: row.group_id,
    createdAt: row.created_at,
    dueAt: row.due_at,
    attempts: row.attempts,
    state: row.state as NoticeRecord['state'],
    payload: JSON.parse(row.payload) as NoticePayload,
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/**
 * Switching a fresh file to WAL takes an exclusive lock that busy_timeout does not wait for: a
 * second process opening the same new file at that moment gets SQLITE_BUSY at once. Retry for as
 * long as busy_timeout would have waited (the constructor is synchronous, hence Atomics.wait).
 */
function enableWal(db: Db, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs
  const pause = new Int32Array(new SharedArrayBuffer(4))
  for (;;) {
    try {
      db.pragma('journal_mode = WAL')
      return
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error
      Atomics.wait(pause, 0, 0, 5)
    }
  }
}

function migrate(db: Db): void {
  // IMMEDIATE takes the write lock first, so two processes opening a fresh file cannot both
  // run the same migration step.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > MIGRATIONS.length) {
      throw new Error(`Database schema ${version} is newer than this code (${MIGRATIONS.length}).`)
    }
    for (let step = version; step < MIGRATIONS.length; step++) MIGRATIONS[step]!(db)
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  }).immediate()
}

interface EntryRow {
  openid: string
  member_key: string
  score: number
  achieved_at: number
}

interface RoundRow {
  token: string
  openid: string
  started_at: number
  expires_at: number
  used: number
  used_request_id: string | null
  used_score: number | null
  used_at: number | null
  result: string | null
}

function toEntry(row: EntryRow): ScoreEntry {
  return {
    openid: row.openid,
    memberKey: row.member_key,
    score: row.score,
    achievedAt: row.achieved_at,
  }
}

function toRound(row: RoundRow): RoundRecord {
  return {
    token: row.token,
    openid: row.openid,
    startedAt: row.started_at,
    expiresAt: row.expires_at,
    used: row.used === 1,
    usedRequestId: row.used_request_id,
    usedScore: row.used_score,
    usedAt: row.used_at,
    result: row.result === null ? null : (JSON.parse(row.result) as Record<Period, number>),
  }
}

/**
 * The store on a local SQLite file (better-sqlite3). WAL lets readers run beside one writer;
 * every write is a single IMMEDIATE transaction and `busy_timeout` makes a second process wait
 * for the lock instead of failing, so two processes can share one file without losing writes.
 */
export class SqliteStore implements LeaderboardStore {
  readonly db: Db
  private readonly sql

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.filename)
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000
    this.db.pragma(`busy_timeout = ${busyTimeoutMs}`)
    enableWal(this.db, busyTimeoutMs)
    // With WAL, NORMAL survives application crashes; only an OS crash may drop the last commits.
    this.db.pragma('synchronous = NORMAL')
    // Checkpoints copy WAL pages back into the file with one write per page plus an fsync; doing
    // that every 10,000 pages instead of 1,000 lets repeated pages collapse and takes the stall
    // out of the 99th percentile (the WAL file then peaks near 40 MB).
    this.db.pragma(`wal_autocheckpoint = ${options.walAutocheckpointPages ?? 10_000}`)
    // Rankings touch pages all over the file; the default 2 MB cache turns every lookup into a
    // read syscall. A larger cache keeps hot pages in process.
    this.db.pragma(`cache_size = -${(options.cacheSizeMb ?? 64) * 1024}`)
    // Memory-mapped reads were on (256 MB) while reads wrote nothing. Since every call counts a
    // rate-limit hit (issue 13), each read interleaves with a commit, and with mmap on that cost
    // getRanking 40-70 % of its throughput (p50 0.52 -> 0.85 ms); with mmap off it is back to
    // where it was (bench:cloud --quick, cloudfunctions/README.md).
    this.db.pragma(`mmap_size = ${(options.mmapSizeMb ?? 0) * 1024 * 1024}`)
    migrate(this.db)
    this.sql = this.prepare(this.db)
  }

  private prepare(db: Db) {
    return {
      insertMembership: db.prepare(
        `INSERT INTO memberships (group_id, openid, member_key, joined_at, proven_at)
         VALUES (@groupId, @openid, @memberKey, @joinedAt, @provenAt) ON CONFLICT DO NOTHING`,
      ),
      // A proof only ever moves forward (two card taps may arrive out of order).
      refreshProof: db.prepare(
        `UPDATE memberships SET proven_at = @provenAt
         WHERE group_id = @groupId AND openid = @openid AND proven_at < @provenAt`,
      ),
      getMembership: db.prepare(
        `SELECT group_id, openid, member_key, joined_at, proven_at FROM memberships
         WHERE group_id = ? AND openid = ?`,
      ),
      listMemberships: db.prepare(
        `SELECT group_id, openid, member_key, joined_at, proven_at FROM memberships
         WHERE openid = ? ORDER BY joined_at, group_id`,
      ),
      countMembers: db.prepare(`SELECT count(*) AS n FROM memberships WHERE group_id = ?`),
      countGroup: db.prepare(
        `SELECT count(*) AS members, count(b.openid) AS scored
         FROM memberships m LEFT JOIN bests b ON b.openid = m.openid AND b.period_key = ?
         WHERE m.group_id = ?`,
      ),
      deleteMembership: db.prepare(`DELETE FROM memberships WHERE group_id = ? AND openid = ?`),
      // Rankings join the group's memberships (primary-key range on group_id) with each member's
      // best (primary-key lookup on openid, period_key). CROSS JOIN pins that order; the inner
      // LIMIT keeps profile lookups to the rows of the page.
      firstPage: db.prepare(
        `SELECT t.openid, t.member_key, t.score, t.achieved_at, p.nickname, p.avatar_url
         FROM (
           SELECT m.openid, m.member_key, b.score, b.achieved_at
           FROM memberships m CROSS JOIN bests b
             ON b.openid = m.openid AND b.period_key = @periodKey
           WHERE m.group_id = @groupId
           ORDER BY ${RANK_ORDER_JOINED}
           LIMIT @limit
         ) t LEFT JOIN profiles p ON p.openid = t.openid
         ORDER BY ${RANK_ORDER_PAGED}`,
      ),
      nextPage: db.prepare(
        `SELECT t.openid, t.member_key, t.score, t.achieved_at, p.nickname, p.avatar_url
         FROM (
           SELECT m.openid, m.member_key, b.score, b.achieved_at
           FROM memberships m CROSS JOIN bests b
             ON b.openid = m.openid AND b.period_key = @periodKey
           WHERE m.group_id = @groupId
             AND (${keysetSql(RANKING_ORDER, JOINED, PARAMS, 'behind')})
           ORDER BY ${RANK_ORDER_JOINED}
           LIMIT @limit
         ) t LEFT JOIN profiles p ON p.openid = t.openid
         ORDER BY ${RANK_ORDER_PAGED}`,
      ),
      getEntry: db.prepare(
        `SELECT m.openid, m.member_key, b.score, b.achieved_at
         FROM memberships m CROSS JOIN bests b
           ON b.openid = m.openid AND b.period_key = @periodKey
         WHERE m.group_id = @groupId AND m.openid = @openid`,
      ),
      countAhead: db.prepare(
        `SELECT count(*) AS n
         FROM memberships m CROSS JOIN bests b
           ON b.openid = m.openid AND b.period_key = @periodKey
         WHERE m.group_id = @groupId
           AND (${keysetSql(RANKING_ORDER, JOINED, PARAMS, 'ahead')})`,
      ),
      getProfile: db.prepare(`SELECT nickname, avatar_url FROM profiles WHERE openid = ?`),
      upsertProfile: db.prepare(
        `INSERT INTO profiles (openid, nickname, avatar_url, updated_at)
         VALUES (@openid, @nickname, @avatarUrl, @now)
         ON CONFLICT (openid) DO UPDATE SET nickname = excluded.nickname,
           avatar_url = excluded.avatar_url, updated_at = excluded.updated_at`,
      ),
      pruneRounds: db.prepare(`DELETE FROM rounds WHERE openid = ? AND expires_at < ?`),
      insertRound: db.prepare(
        `INSERT INTO rounds (token, openid, started_at, expires_at)
         VALUES (@token, @openid, @startedAt, @expiresAt)`,
      ),
      getRound: db.prepare(`SELECT * FROM rounds WHERE token = ?`),
      consumeRound: db.prepare(
        `UPDATE rounds SET used = 1, used_request_id = @requestId, used_score = @score,
           used_at = @achievedAt
         WHERE token = @token AND openid = @openid AND used = 0`,
      ),
      recordResult: db.prepare(`UPDATE rounds SET result = ? WHERE token = ?`),
      raiseBest: db.prepare(
        `INSERT INTO bests (openid, period_key, score, achieved_at)
         VALUES (@openid, @periodKey, @score, @achievedAt)
         ON CONFLICT (openid, period_key) DO UPDATE
           SET score = excluded.score, achieved_at = excluded.achieved_at WHERE ${BETTER}`,
      ),
      getBests: db.prepare(
        `SELECT period_key, score, achieved_at FROM bests
         WHERE openid = @openid AND period_key IN (@today, @week, @all)`,
      ),
      peekRateLimit: db.prepare(
        `SELECT hits FROM rate_limits
         WHERE openid = @openid AND bucket = @bucket AND window_start = @windowStart`,
      ),
      hitRateLimit: db.prepare(
        `INSERT INTO rate_limits (openid, bucket, window_start, hits)
         VALUES (@openid, @bucket, @windowStart, 1)
         ON CONFLICT (openid, bucket, window_start) DO UPDATE SET hits = hits + 1
         WHERE hits < @limit`,
      ),
      pruneRateLimits: db.prepare(
        `DELETE FROM rate_limits WHERE openid = @openid AND bucket = @bucket
         AND window_start < @windowStart`,
      ),
      deleteUser: [
        'profiles',
        'memberships',
        'bests',
        'rounds',
        'rate_limits',
        'credits',
        'notices',
        'overtakes',
      ].map((table) => db.prepare(`DELETE FROM ${table} WHERE openid = ?`)),
      // Past podiums keep the other places; the player's own is taken out.
      scrubHistory: db.prepare(
        `UPDATE history SET podium = (
           SELECT json_group_array(json(value)) FROM (
             SELECT value FROM json_each(history.podium)
             WHERE json_extract(value, '$.openid') <> @openid ORDER BY key))
         WHERE EXISTS (SELECT 1 FROM json_each(history.podium)
           WHERE json_extract(value, '$.openid') = @openid)`,
      ),
      // Members of the player's groups, holding an "overtaken" credit, whose best of the period
      // the new value passes; with an earlier best, only those it did not already pass.
      queueOvertaken: db.prepare(overtakenSql(false)),
      queueOvertakenSince: db.prepare(overtakenSql(true)),
      addOvertake: db.prepare(
        `INSERT INTO overtakes (openid, score, achieved_at, day_key, all_key, all_before_score,
           all_before_at, week_key, week_before_score, week_before_at)
         VALUES (@openid, @score, @achievedAt, @dayKey, @allKey, @allBeforeScore,
           @allBeforeAt, @weekKey, @weekBeforeScore, @weekBeforeAt)`,
      ),
      dueOvertakes: db.prepare(
        `SELECT * FROM overtakes WHERE achieved_at <= ? ORDER BY id LIMIT ?`,
      ),
      removeOvertake: db.prepare(`DELETE FROM overtakes WHERE id = ?`),
      addCredits: db.prepare(
        `INSERT INTO credits (openid, overtaken, weekly, updated_at)
         VALUES (@openid, @overtaken, @weekly, @now)
         ON CONFLICT (openid) DO UPDATE SET overtaken = overtaken + excluded.overtaken,
           weekly = weekly + excluded.weekly, updated_at = excluded.updated_at`,
      ),
      getCredits: db.prepare(`SELECT overtaken, weekly FROM credits WHERE openid = ?`),
      spendCredit: {
        overtaken: db.prepare(
          `UPDATE credits SET overtaken = overtaken - 1 WHERE openid = ? AND overtaken > 0`,
        ),
        weekly: db.prepare(
          `UPDATE credits SET weekly = weekly - 1 WHERE openid = ? AND weekly > 0`,
        ),
      },
      clearCredit: {
        overtaken: db.prepare(`UPDATE credits SET overtaken = 0 WHERE openid = ?`),
        weekly: db.prepare(`UPDATE credits SET weekly = 0 WHERE openid = ?`),
      },
      dueNotices: db.prepare(
        `SELECT * FROM notices WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
      ),
      getNotice: db.prepare(`SELECT * FROM notices WHERE id = ?`),
      setNoticeState: db.prepare(`UPDATE notices SET state = ? WHERE id = ? AND state = 'pending'`),
      listScorers: db.prepare(
        `SELECT openid FROM bests WHERE period_key = @periodKey AND openid > @after
         ORDER BY openid LIMIT @limit`,
      ),
      creditHolders: {
        overtaken: db.prepare(
          `SELECT m.openid FROM memberships m JOIN credits c ON c.openid = m.openid
           WHERE m.group_id = ? AND c.overtaken > 0 ORDER BY m.openid`,
        ),
        weekly: db.prepare(
          `SELECT m.openid FROM memberships m JOIN credits c ON c.openid = m.openid
           WHERE m.group_id = ? AND c.weekly > 0 ORDER BY m.openid`,
        ),
      },
      insertNotice: db.prepare(
        `INSERT OR IGNORE INTO notices
           (id, kind, openid, group_id, created_at, due_at, attempts, state, payload)
         VALUES (@id, @kind, @openid, @groupId, @createdAt, @dueAt, @attempts, @state, @payload)`,
      ),
      getHistory: db.prepare(`SELECT * FROM history WHERE group_id = ? AND week_key = ?`),
      insertHistory: db.prepare(
        `INSERT OR IGNORE INTO history (week_key, group_id, podium, scorers, closed_at)
         VALUES (@weekKey, @groupId, @podium, @scorers, @closedAt)`,
      ),
      getJob: db.prepare(`SELECT * FROM jobs WHERE id = ?`),
      saveJob: db.prepare(
        `INSERT INTO jobs (id, cursor, done, updated_at) VALUES (@id, @cursor, @done, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, done = excluded.done,
           updated_at = excluded.updated_at`,
      ),
      prune: {
        rounds: db.prepare(`DELETE FROM rounds WHERE expires_at < @roundsExpiredBefore`),
        rate_limits: db.prepare(`DELETE FROM rate_limits WHERE window_start < @rateWindowsBefore`),
        day_bests: db.prepare(
          `DELETE FROM bests WHERE period_key > 'd:' AND period_key < @dayKeyBefore`,
        ),
        week_bests: db.prepare(
          `DELETE FROM bests WHERE period_key > 'w:' AND period_key < @weekKeyBefore`,
        ),
        notices: db.prepare(
          `DELETE FROM notices WHERE state IN ('sent', 'dropped') AND due_at < @settledNoticesBefore`,
        ),
        history: db.prepare(`DELETE FROM history WHERE week_key < @historyWeekKeyBefore`),
        jobs: db.prepare(`DELETE FROM jobs WHERE done = 1 AND updated_at < @jobsBefore`),
      },
      retryNotice: db.prepare(
        `UPDATE notices SET attempts = attempts + 1, due_at = ? WHERE id = ? AND state = 'pending'`,
      ),
    }
  }

  private membership(groupId: string, openid: string): MembershipRecord | null {
    const row = this.sql.getMembership.get(groupId, openid) as MembershipRow | undefined
    return row ? toMembership(row) : null
  }

  async joinGroup(membership: NewMembership): Promise<JoinResult> {
    // Nothing to seed: rankings read the player's bests through the join.
    const row = { ...membership, provenAt: membership.provenAt ?? membership.joinedAt }
    return this.db
      .transaction(() => {
        if (this.sql.insertMembership.run(row).changes === 1) return { joined: true }
        this.sql.refreshProof.run(row)
        return { joined: false }
      })
      .immediate()
  }

  async leaveGroup(groupId: string, openid: string): Promise<boolean> {
    return this.sql.deleteMembership.run(groupId, openid).changes === 1
  }

  async getMembership(groupId: string, openid: string): Promise<MembershipRecord | null> {
    return this.membership(groupId, openid)
  }

  async listMemberships(openid: string): Promise<MembershipRecord[]> {
    return (this.sql.listMemberships.all(openid) as MembershipRow[]).map(toMembership)
  }

  async countMembers(groupId: string): Promise<number> {
    return this.memberCount(groupId)
  }

  async countGroup(
    groupId: string,
    periodKey: string,
  ): Promise<{ members: number; scored: number }> {
    return this.sql.countGroup.get(periodKey, groupId) as { members: number; scored: number }
  }

  private memberCount(groupId: string): number {
    return (this.sql.countMembers.get(groupId) as { n: number }).n
  }

  private entry(groupId: string, periodKey: string, openid: string): ScoreEntry | null {
    const row = this.sql.getEntry.get({ groupId, periodKey, openid }) as EntryRow | undefined
    return row ? toEntry(row) : null
  }

  private ahead(groupId: string, periodKey: string, position: RankPosition): number {
    const { score, achievedAt, memberKey } = position
    const row = this.sql.countAhead.get({ groupId, periodKey, score, achievedAt, memberKey })
    return (row as { n: number }).n
  }

  async listStandings(openid: string, periodKey: string): Promise<GroupStanding[]> {
    // One read transaction, so every group is read at the same snapshot.
    return this.db.transaction(() =>
      this.sql.listMemberships.all(openid).map((raw): GroupStanding => {
        const row = raw as MembershipRow
        const mine = this.entry(row.group_id, periodKey, openid)
        return {
          membership: toMembership(row),
          memberCount: this.memberCount(row.group_id),
          mine,
          ahead: mine ? this.ahead(row.group_id, periodKey, mine) : null,
        }
      }),
    )()
  }

  async getRankingPage(query: RankingQuery): Promise<RankedEntry[]> {
    const { groupId, periodKey, limit, after } = query
    const rows = (
      after
        ? this.sql.nextPage.all({
            groupId,
            periodKey,
            limit,
            score: after.score,
            achievedAt: after.achievedAt,
            memberKey: after.memberKey,
          })
        : this.sql.firstPage.all({ groupId, periodKey, limit })
    ) as Array<EntryRow & { nickname: string | null; avatar_url: string | null }>
    // A plain literal per row: the hot path of every ranking read (a spread measured slower).
    return rows.map((row) => ({
      openid: row.openid,
      memberKey: row.member_key,
      score: row.score,
      achievedAt: row.achieved_at,
      nickname: row.nickname ?? null,
      avatarUrl: row.avatar_url ?? null,
    }))
  }

  async getRankingEntry(
    groupId: string,
    periodKey: string,
    openid: string,
  ): Promise<ScoreEntry | null> {
    return this.entry(groupId, periodKey, openid)
  }

  async countAhead(groupId: string, periodKey: string, position: RankPosition): Promise<number> {
    return this.ahead(groupId, periodKey, position)
  }

  private profile(openid: string): Profile {
    const row = this.sql.getProfile.get(openid) as
      | { nickname: string | null; avatar_url: string | null }
      | undefined
    return { nickname: row?.nickname ?? null, avatarUrl: row?.avatar_url ?? null }
  }

  async getProfile(openid: string): Promise<Profile> {
    return this.profile(openid)
  }

  async updateProfile(openid: string, patch: ProfilePatch, now: number): Promise<Profile> {
    return this.db
      .transaction((): Profile => {
        const current = this.profile(openid)
        const next: Profile = {
          nickname: patch.nickname === undefined ? current.nickname : patch.nickname,
          avatarUrl: patch.avatarUrl === undefined ? current.avatarUrl : patch.avatarUrl,
        }
        this.sql.upsertProfile.run({ openid, ...next, now })
        return next
      })
      .immediate()
  }

  async createRound(round: NewRound, pruneBefore: number): Promise<void> {
    this.db
      .transaction(() => {
        this.sql.pruneRounds.run(round.openid, pruneBefore)
        this.sql.insertRound.run(round)
      })
      .immediate()
  }

  async getRound(token: string): Promise<RoundRecord | null> {
    const row = this.sql.getRound.get(token) as RoundRow | undefined
    return row ? toRound(row) : null
  }

  /**
   * Raises the three bests and returns them with the ones stored before. The earlier bests are
   * read first (one statement) and the raised values follow from the same order the upsert
   * applies, so the submission needs no second read to know what rose.
   */
  private raiseBests(
    openid: string,
    score: number,
    achievedAt: number,
    keys: PeriodKeys,
  ): { best: Record<Period, number>; before: Map<string, { score: number; achievedAt: number }> } {
    const rows = this.sql.getBests.all({ openid, ...keys }) as Array<{
      period_key: string
      score: number
      achieved_at: number
    }>
    const before = new Map(
      rows.map((row) => [row.period_key, { score: row.score, achievedAt: row.achieved_at }]),
    )
    for (const periodKey of [keys.today, keys.week, keys.all]) {
      this.sql.raiseBest.run({ openid, periodKey, score, achievedAt })
    }
    const after = (key: string) => {
      const earlier = before.get(key)
      return earlier && !isBetterBest({ score, achievedAt }, earlier) ? earlier.score : score
    }
    return {
      best: { today: after(keys.today), week: after(keys.week), all: after(keys.all) },
      before,
    }
  }

  async applyScore(submission: ScoreSubmission): Promise<ApplyScoreResult> {
    return this.db
      .transaction((): ApplyScoreResult => {
        const { token, openid, requestId, score, achievedAt } = submission
        const consumed = this.sql.consumeRound.run({ token, openid, requestId, score, achievedAt })
        if (consumed.changes !== 1) return { status: 'conflict' }
        const keys = submission.periodKeys
        const { best, before } = this.raiseBests(openid, score, achievedAt, keys)
        if (submission.notify) {
          // One compact row per raising submission; the recipients are found when it is expanded.
          const rise = (period: 'all' | 'week') => {
            const earlier = before.get(keys[period]) ?? null
            const rose = !earlier || isBetterBest({ score, achievedAt }, earlier)
            return {
              key: rose ? keys[period] : null,
              beforeScore: rose ? (earlier?.score ?? null) : null,
              beforeAt: rose ? (earlier?.achievedAt ?? null) : null,
            }
          }
          const all = rise('all')
          const week = rise('week')
          if (all.key !== null || week.key !== null) {
            this.sql.addOvertake.run({
              openid,
              score,
              achievedAt,
              dayKey: submission.notify.dayKey,
              allKey: all.key,
              allBeforeScore: all.beforeScore,
              allBeforeAt: all.beforeAt,
              weekKey: week.key,
              weekBeforeScore: week.beforeScore,
              weekBeforeAt: week.beforeAt,
            })
          }
        }
        this.sql.recordResult.run(JSON.stringify(best), token)
        return { status: 'applied', best }
      })
      .immediate()
  }

  async resumeScore(round: RoundRecord, periodKeys: PeriodKeys): Promise<Record<Period, number>> {
    // applyScore records the result in the transaction that raised the bests: nothing to finish.
    if (round.result !== null) return round.result
    return this.db
      .transaction(() => {
        const { best } = this.raiseBests(
          round.openid,
          round.usedScore ?? 0,
          round.usedAt ?? round.startedAt,
          periodKeys,
        )
        this.sql.recordResult.run(JSON.stringify(best), round.token)
        return best
      })
      .immediate()
  }

  async takeRateLimit(hit: RateLimitHit): Promise<boolean> {
    if (hit.limit < 1) return false
    return this.db
      .transaction(() => {
        const counted = this.sql.hitRateLimit.run(hit).changes === 1
        // Old windows of this player's bucket are dead weight; drop them while holding the lock.
        if (counted) this.sql.pruneRateLimits.run(hit)
        return counted
      })
      .immediate()
  }

  async peekRateLimit(hit: RateLimitHit): Promise<boolean> {
    if (hit.limit < 1) return false
    const { openid, bucket, windowStart } = hit
    const row = this.sql.peekRateLimit.get({ openid, bucket, windowStart }) as
      | { hits: number }
      | undefined
    return (row?.hits ?? 0) < hit.limit
  }

  async deleteUserData(openid: string): Promise<void> {
    this.db
      .transaction(() => {
        for (const statement of this.sql.deleteUser) statement.run(openid)
        this.sql.scrubHistory.run({ openid })
      })
      .immediate()
  }

  private credits(openid: string): Credits {
    const row = this.sql.getCredits.get(openid) as Credits | undefined
    return { overtaken: row?.overtaken ?? 0, weekly: row?.weekly ?? 0 }
  }

  async addCredits(openid: string, kinds: readonly NoticeKind[], now: number): Promise<Credits> {
    return this.db
      .transaction((): Credits => {
        const count = (kind: NoticeKind) => kinds.filter((k) => k === kind).length
        if (kinds.length > 0) {
          this.sql.addCredits.run({
            openid,
            overtaken: count('overtaken'),
            weekly: count('weekly'),
            now,
          })
        }
        return this.credits(openid)
      })
      .immediate()
  }

  async getCredits(openid: string): Promise<Credits> {
    return this.credits(openid)
  }

  /**
   * Expands the queued overtakes (one row per raising submission, oldest first) into notices,
   * then reads the pending notices that are due. A recipient is found as the submission step
   * used to find them: a member of one of the submitter's groups now, holding an "overtaken"
   * credit now (so a member who left or deleted their data gets nothing), whose best of the
   * window the new value is ahead of and the earlier one was not. Bests only rise, so a
   * recipient who has since moved ahead again is no longer told. Each notice goes in under its
   * deterministic id, so a second passing of the same member, group and day adds nothing.
   * Chunks keep each write transaction short; a run expands at most OVERTAKES_PER_RUN rows and
   * the next run continues.
   */
  async listDueNotices(now: number, limit: number): Promise<NoticeRecord[]> {
    for (let done = 0; done < OVERTAKES_PER_RUN; done += OVERTAKE_CHUNK) {
      const expanded = this.expandOvertakes(now, OVERTAKE_CHUNK)
      if (expanded < OVERTAKE_CHUNK) break
      // Let requests waiting on this process run between chunks.
      await new Promise((resolve) => setImmediate(resolve))
    }
    return (this.sql.dueNotices.all(now, limit) as NoticeRow[]).map(toNotice)
  }

  private expandOvertakes(now: number, chunk: number): number {
    return this.db
      .transaction((): number => {
        const rows = this.sql.dueOvertakes.all(now, chunk) as OvertakeRow[]
        for (const row of rows) {
          // All-time first: when both windows are passed, the one notice names the all-time one.
          for (const period of ['all', 'week'] as const) {
            const periodKey = period === 'all' ? row.all_key : row.week_key
            if (periodKey === null) continue
            const beforeScore = period === 'all' ? row.all_before_score : row.week_before_score
            const beforeAt = period === 'all' ? row.all_before_at : row.week_before_at
            const params = {
              openid: row.openid,
              score: row.score,
              achievedAt: row.achieved_at,
              period,
              periodKey,
              dayKey: row.day_key,
            }
            if (beforeScore !== null && beforeAt !== null) {
              this.sql.queueOvertakenSince.run({
                ...params,
                beforeScore,
                beforeAchievedAt: beforeAt,
              })
            } else {
              this.sql.queueOvertaken.run(params)
            }
          }
          this.sql.removeOvertake.run(row.id)
        }
        return rows.length
      })
      .immediate()
  }

  async settleNotice(id: string, outcome: NoticeOutcome): Promise<void> {
    this.db
      .transaction(() => {
        const row = this.sql.getNotice.get(id) as NoticeRow | undefined
        if (!row || row.state !== 'pending') return
        const kind = row.kind as NoticeKind
        switch (outcome.status) {
          case 'sent':
            this.sql.setNoticeState.run('sent', id)
            this.sql.spendCredit[kind].run(row.openid)
            return
          case 'refused':
            this.sql.setNoticeState.run('dropped', id)
            this.sql.clearCredit[kind].run(row.openid)
            return
          case 'dropped':
            this.sql.setNoticeState.run('dropped', id)
            return
          case 'retry':
            this.sql.retryNotice.run(outcome.retryAt, id)
        }
      })
      .immediate()
  }

  async listScorers(periodKey: string, after: string | null, limit: number): Promise<string[]> {
    return this.sql.listScorers.pluck().all({ periodKey, after: after ?? '', limit }) as string[]
  }

  async listGroupIdsOf(openids: readonly string[]): Promise<string[]> {
    const groups = new Set<string>()
    for (const openid of openids) {
      for (const row of this.sql.listMemberships.all(openid) as Array<{ group_id: string }>) {
        groups.add(row.group_id)
      }
    }
    return [...groups].sort()
  }

  async listCreditHolders(groupId: string, kind: NoticeKind): Promise<string[]> {
    return this.sql.creditHolders[kind].pluck().all(groupId) as string[]
  }

  async queueNotices(notices: readonly NoticeRecord[]): Promise<void> {
    this.db
      .transaction(() => {
        for (const notice of notices) {
          this.sql.insertNotice.run({ ...notice, payload: JSON.stringify(notice.payload) })
        }
      })
      .immediate()
  }

  async getHistory(groupId: string, weekKey: string): Promise<WeekHistory | null> {
    const row = this.sql.getHistory.get(groupId, weekKey) as
      | { week_key: string; group_id: string; podium: string; scorers: number; closed_at: number }
      | undefined
    return row
      ? {
          groupId: row.group_id,
          weekKey: row.week_key,
          podium: JSON.parse(row.podium) as ScoreEntry[],
          scorers: row.scorers,
          closedAt: row.closed_at,
        }
      : null
  }

  async recordHistory(history: WeekHistory): Promise<boolean> {
    const result = this.sql.insertHistory.run({
      ...history,
      podium: JSON.stringify(history.podium),
    })
    return result.changes === 1
  }

  async getJob(id: string): Promise<JobState | null> {
    const row = this.sql.getJob.get(id) as
      | { id: string; cursor: string | null; done: number; updated_at: number }
      | undefined
    return row
      ? { id: row.id, cursor: row.cursor, done: row.done === 1, updatedAt: row.updated_at }
      : null
  }

  async saveJob(job: JobState): Promise<void> {
    this.sql.saveJob.run({ ...job, done: job.done ? 1 : 0 })
  }

  async prune(cutoffs: PruneCutoffs): Promise<Record<string, number>> {
    return this.db
      .transaction(() =>
        Object.fromEntries(
          Object.entries(this.sql.prune).map(([name, statement]) => [
            name,
            statement.run(cutoffs).changes,
          ]),
        ),
      )
      .immediate()
  }

  private tableNames(): string[] {
    return this.db
      .prepare(
        `SELECT name FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .pluck()
      .all() as string[]
  }

  /** Rows per table (the storage benchmark). */
  rowCounts(): Record<string, number> {
    const tables = this.tableNames()
    return Object.fromEntries(
      tables.map((table) => [
        table,
        this.db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number,
      ]),
    )
  }

  /**
   * Fast path for benchmarks and fixtures: inserts rows in large transactions with plain
   * prepared statements.
   * Bypasses the per-action rules on purpose; never use it for user traffic.
   */
  bulkSeed(seed: BulkSeed): void {
    const insertProfile = this.db.prepare(
      `INSERT OR REPLACE INTO profiles (openid, nickname, avatar_url, updated_at)
       VALUES (@openid, @nickname, @avatarUrl, 0)`,
    )
    const insertMembership = this.db.prepare(
      `INSERT OR IGNORE INTO memberships (group_id, openid, member_key, joined_at, proven_at)
       VALUES (@groupId, @openid, @memberKey, @joinedAt, @provenAt)`,
    )
    const insertBest = this.db.prepare(
      `INSERT OR REPLACE INTO bests (openid, period_key, score, achieved_at)
       VALUES (@openid, @periodKey, @score, @achievedAt)`,
    )
    const batched = <T>(rows: Iterable<T> | undefined, run: (row: T) => void) => {
      if (!rows) return
      let batch: T[] = []
      const flush = this.db.transaction((items: T[]) => {
        for (const item of items) run(item)
      })
      for (const row of rows) {
        batch.push(row)
        if (batch.length === SEED_BATCH) {
          flush(batch)
          batch = []
        }
      }
      if (batch.length > 0) flush(batch)
    }
    batched(seed.profiles, (row) => insertProfile.run(row))
    batched(seed.memberships, (row) =>
      insertMembership.run({ ...row, provenAt: row.provenAt ?? row.joinedAt }),
    )
    batched(seed.bests, (row) => insertBest.run(row))
  }

  /** Every table's rows in primary-key order: lets tests prove that nothing was written. */
  snapshot(): Record<string, unknown[]> {
    const tables = this.tableNames()
    return Object.fromEntries(
      tables.map((table) => [
        table,
        this.db.prepare(`SELECT * FROM "${table}" ORDER BY 1, 2, 3`).all(),
      ]),
    )
  }

  close(): void {
    this.db.close()
  }
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options)
}
