/**
 * The local preview's own state — the WeChat stand-in's records, this server's app id and
 * member-key salt, and the phones' sessions — kept in the same SQLite file as the cloud
 * function's store (`leaderboard.sqlite`), in tables of its own:
 *
 *   preview_meta      format, appid, memberKeySalt (and which legacy JSON files were imported)
 *   preview_sessions  phone session token → openid
 *   wechat_records    the stand-in's state, one row per record (see local/wechat/snapshot.ts)
 *   dingtalk_records  the DingTalk stand-in's corps, users, apps and groups (see the end of this
 *                     file and local/dingtalk/snapshot.ts)
 *
 * Why one file: an answer must not be sent before what it changed is stored, and after a crash
 * the stand-in must never have forgotten a member or group that the cloud side holds rows for.
 * Every stand-in change is committed as it happens (one transaction, before the call that made
 * it returns, so before any cloud write that depends on it and before any answer). In WAL mode
 * all commits to a file, from every connection, form one log that recovery replays up to the
 * first frame whose checksum chain breaks, so a crash keeps a prefix of it: a cloud row can never
 * outlive the stand-in change it came from. A crash between the two (a card tap's CloudID stored,
 * its enterGroup row not yet) leaves a request that was never answered; tapping again completes
 * it. JSON files beside the database could not promise that order.
 *
 * Durable before answering: commits run with `synchronous = NORMAL` (no fsync each), and an
 * answer to a write waits for `WalSync.durable()`, one fdatasync of the WAL that covers every
 * commit made before it started. Requests in flight share that fsync (group commit). With
 * `synchronous = FULL` instead, each of the ~9 commits of a card tap waited for its own fsync:
 * 10–20× slower here while other work used the disk.
 * https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fdatasync, openSync } from 'node:fs'

import Database from 'better-sqlite3'

import { weakSecretReason } from '../../cloudfunctions/core/secret-strength'
import {
  DINGTALK_FORMAT,
  type DingTalkRecord,
  type DingTalkSnapshot,
  DingTalkSnapshotError,
  dingTalkSnapshotFromRecords,
  userKey,
} from '../dingtalk/snapshot'
import {
  SnapshotError,
  snapshotFromRecords,
  snapshotRecords,
  type StandInRecord,
} from '../wechat/snapshot'
import type { StandInSnapshot } from '../wechat/stand-in'

type Db = Database.Database

/** Version of the tables below; a file of another format is refused. */
export const PREVIEW_FORMAT = 1

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS preview_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS preview_sessions (
    token TEXT PRIMARY KEY,
    openid TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS wechat_records (
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (collection, key)
  ) WITHOUT ROWID;
`

const APPID_PATTERN = /^wx[0-9a-f]{16}$/
export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

/** How long a phone session lives from its launch (a simulated login). */
export const PHONE_SESSION_TTL_MS = 24 * 60 * 60 * 1000
/** Random part of a session token: 144 bits, base64url. */
const SESSION_RANDOM_CHARS = 24

/**
 * A phone session token: 24 random characters, then its expiry (ms, base 36). The expiry rides
 * in the token so the stored table keeps its shape; it is only ever read from a token the server
 * itself stored, so it cannot be forged.
 */
export function newSessionToken(expiresAt: number): string {
  return randomBytes(18).toString('base64url') + Math.floor(expiresAt).toString(36)
}

/** When a token expires; 0 (long gone) for tokens of earlier versions, which carry none. */
export function sessionExpiresAt(token: string): number {
  const expiry = token.slice(SESSION_RANDOM_CHARS)
  return /^[0-9a-z]{1,11}$/.test(expiry) ? parseInt(expiry, 36) : 0
}

export interface PreviewState {
  /** The mini program the simulator runs, registered in the stand-in. */
  appid: string
  /** Keys member keys in the store; stable across restarts so rankings keep their keys. */
  memberKeySalt: string
  /** Phone session token → openid. A token stands for "this phone is signed in as". */
  sessions: Record<string, string>
  standIn: StandInSnapshot
}

/** Legacy file name → sha256 of the bytes that were imported from it. */
export type ImportedFiles = Record<string, string>

export interface StoredPreviewState extends PreviewState {
  importedFiles: ImportedFiles
}

/** What is wrong with stored state, in words for the person who has to fix it. */
export class StateProblem extends Error {
  /** Which half is at fault: the stand-in's records or the server's own (app id, sessions). */
  readonly part: 'standIn' | 'server'

  constructor(message: string, part: 'standIn' | 'server' = 'server') {
    super(message)
    this.name = 'StateProblem'
    this.part = part
  }
}

/** Refuses a format this code does not read, saying whether a newer version wrote it. */
function checkFormat(state: string, format: string, reads: number): void {
  if (format === String(reads)) return
  throw new StateProblem(
    Number(format) > reads
      ? `${state} is format ${format}, written by a newer version of this code (this one reads ${reads})`
      : `${state} is of an unknown format ${JSON.stringify(format)} (this code reads ${reads})`,
  )
}

/** What `parse` makes of stored records; its own kind of error becomes a `StateProblem`. */
function parseRecords<T>(
  state: string,
  damage: abstract new (message: string) => Error,
  parse: () => T,
): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof damage) throw new StateProblem(`${state} is damaged: ${error.message}`)
    throw error
  }
}

/**
 * Checks a whole preview state: the app is registered in the stand-in, the salt is usable and
 * every session belongs to one of the app's users. `serverName` is how the message refers to
 * the place the app id comes from.
 */
export function checkPreviewState(state: PreviewState, serverName: string): void {
  if (!APPID_PATTERN.test(state.appid)) {
    throw new StateProblem(`the app id ${JSON.stringify(state.appid)} is not a mini program id`)
  }
  if (!state.standIn.apps[state.appid]) {
    throw new StateProblem(
      `does not know the app ${state.appid} that ${serverName} names`,
      'standIn',
    )
  }
  const weak = weakSecretReason(state.memberKeySalt)
  if (weak !== null) throw new StateProblem(`the member-key salt ${weak}`)
  for (const [token, openid] of Object.entries(state.sessions)) {
    if (!SESSION_TOKEN_PATTERN.test(token)) {
      throw new StateProblem(`the phone session ${JSON.stringify(token)} is not a session token`)
    }
    if (state.standIn.accounts[openid]?.appid !== state.appid) {
      throw new StateProblem(`the phone session ${token} belongs to no user of ${state.appid}`)
    }
  }
}

function tableNames(db: Db): Set<string> {
  const names = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
    .pluck()
    .all() as string[]
  return new Set(names)
}

/**
 * Reads and checks the preview state of an open database. Null when the file holds none yet
 * (a new file, or one written before the stand-in moved into it). Throws `StateProblem`.
 */
export function readPreviewState(db: Db): StoredPreviewState | null {
  const tables = tableNames(db)
  const ours = ['preview_meta', 'preview_sessions', 'wechat_records']
  if (ours.every((table) => !tables.has(table))) return null
  const missing = ours.filter((table) => !tables.has(table))
  if (missing.length > 0) throw new StateProblem(`the table ${missing[0]} is missing`)

  const meta = new Map(
    (
      db.prepare(`SELECT key, value FROM preview_meta`).all() as Array<{
        key: string
        value: string
      }>
    ).map((row) => [row.key, row.value]),
  )
  const records = db
    .prepare(`SELECT collection, key, value FROM wechat_records ORDER BY collection, key`)
    .all() as StandInRecord[]
  const sessionRows = db.prepare(`SELECT token, openid FROM preview_sessions`).all() as Array<{
    token: string
    openid: string
  }>
  if (meta.size === 0 && records.length === 0 && sessionRows.length === 0) return null

  const format = meta.get('format')
  if (format === undefined) throw new StateProblem('the preview state has no format version')
  checkFormat('the preview state', format, PREVIEW_FORMAT)
  const appid = meta.get('appid')
  const memberKeySalt = meta.get('memberKeySalt')
  if (appid === undefined) throw new StateProblem('the preview state has no app id')
  if (memberKeySalt === undefined)
    throw new StateProblem('the preview state has no member-key salt')
  let importedFiles: ImportedFiles = {}
  const imported = meta.get('importedFiles')
  if (imported !== undefined) {
    try {
      importedFiles = JSON.parse(imported) as ImportedFiles
    } catch {
      throw new StateProblem('the record of imported files is not JSON')
    }
  }
  const standIn = parseRecords("the WeChat stand-in's state", SnapshotError, () =>
    snapshotFromRecords(records),
  )
  const sessions = Object.fromEntries(sessionRows.map((row) => [row.token, row.openid]))
  const state = { appid, memberKeySalt, sessions, standIn, importedFiles }
  try {
    checkPreviewState(state, 'preview_meta')
  } catch (error) {
    if (error instanceof StateProblem && error.part === 'standIn') {
      throw new StateProblem(`the WeChat stand-in's state ${error.message}`)
    }
    throw error
  }
  return state
}

/** Rows of the cloud function's tables, if it created them: data that belongs to stand-in users. */
export function countCloudRows(db: Db): number {
  const tables = tableNames(db)
  let rows = 0
  for (const table of ['memberships', 'profiles', 'bests', 'rounds']) {
    if (tables.has(table)) {
      rows += db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
    }
  }
  return rows
}

export interface PreviewStateStore {
  /** Runs `work` in one transaction: all of its writes are stored, or none. */
  atomically<T>(work: () => T): T
  /** Stores a whole state (first start, import of legacy files), replacing nothing. */
  initialise(state: PreviewState, importedFiles?: ImportedFiles): void
  writeMeta(meta: { appid: string; memberKeySalt: string }): void
  /** The stand-in's `onChange`: one commit per change. */
  commitStandIn(records: StandInRecord[]): void
  /** Stores `token` for `openid` and drops `previous` (the member's last), in one commit. */
  replaceSession(previous: string | null, token: string, openid: string): void
  close(): void
}

export function openPreviewStateStore(filename: string): PreviewStateStore {
  const db = new Database(filename)
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  // Checkpoints run on whichever connection commits past the mark: keep this one's mark where
  // the cloud store puts its own (sqlite-store.ts says why).
  db.pragma('wal_autocheckpoint = 10000')
  db.exec(SCHEMA)

  const setMeta = db.prepare(`INSERT OR REPLACE INTO preview_meta (key, value) VALUES (?, ?)`)
  const upsertRecord = db.prepare(
    `INSERT OR REPLACE INTO wechat_records (collection, key, value) VALUES (?, ?, ?)`,
  )
  const deleteRecord = db.prepare(`DELETE FROM wechat_records WHERE collection = ? AND key = ?`)
  const insertSession = db.prepare(`INSERT INTO preview_sessions (token, openid) VALUES (?, ?)`)
  const deleteSession = db.prepare(`DELETE FROM preview_sessions WHERE token = ?`)

  const writeRecords = db.transaction((records: StandInRecord[]) => {
    for (const { collection, key, value } of records) {
      if (value === null) deleteRecord.run(collection, key)
      else upsertRecord.run(collection, key, value)
    }
  })
  const writeMeta = (meta: { appid: string; memberKeySalt: string }): void => {
    db.transaction(() => {
      setMeta.run('format', String(PREVIEW_FORMAT))
      setMeta.run('appid', meta.appid)
      setMeta.run('memberKeySalt', meta.memberKeySalt)
    })()
  }

  return {
    atomically: (work) => db.transaction(work).immediate(),
    initialise(state, importedFiles) {
      db.transaction(() => {
        writeMeta(state)
        if (importedFiles) setMeta.run('importedFiles', JSON.stringify(importedFiles))
        writeRecords(snapshotRecords(state.standIn))
        for (const [token, openid] of Object.entries(state.sessions)) {
          insertSession.run(token, openid)
        }
      }).immediate()
    },
    writeMeta,
    commitStandIn: (records) => writeRecords.immediate(records),
    replaceSession: (previous, token, openid) => {
      db.transaction(() => {
        if (previous !== null) deleteSession.run(previous)
        insertSession.run(token, openid)
      }).immediate()
    },
    close: () => db.close(),
  }
}

export interface WalSync {
  /**
   * Resolves once everything committed to the database before this call is on disk. Calls made
   * while an fsync runs share the next one.
   */
  durable(): Promise<void>
  close(): void
}

/**
 * fdatasync of the database's WAL file. Under `synchronous = NORMAL` SQLite syncs the WAL itself
 * before each checkpoint and when it starts reusing the file, so this only moves the point of
 * durability of the frames already written to before the answer.
 */
export function openWalSync(databaseFile: string): WalSync {
  const walFile = `${databaseFile}-wal`
  let fd: number | null = null
  let running: Promise<void> | null = null
  let queued: Promise<void> | null = null

  const syncOnce = (): Promise<void> => {
    // The WAL exists from the first commit on and stays while a connection is open; before
    // that there is nothing to sync.
    if (fd === null) {
      try {
        fd = openSync(walFile, 'r')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve()
        throw error
      }
    }
    const descriptor = fd
    const run = new Promise<void>((resolve, reject) => {
      fdatasync(descriptor, (error) => (error ? reject(error) : resolve()))
    }).finally(() => {
      if (running === run) running = null
    })
    running = run
    return run
  }

  return {
    durable() {
      if (running === null) return syncOnce()
      // The running fsync may have started before the caller's commits: wait for the next one.
      queued ??= running
        .catch(() => undefined)
        .then(() => {
          queued = null
          return syncOnce()
        })
      return queued
    },
    close() {
      if (fd !== null) closeSync(fd)
      fd = null
    },
  }
}

/*
 * The DingTalk stand-in's state (local/dingtalk/snapshot.ts), in the same file for the same
 * reasons: one row per corp, user, app and group in `dingtalk_records`, its format in
 * `preview_meta.dingtalkFormat`, each change committed before the stand-in call that made it
 * returns, so before the DingTalk entry writes a cloud row on it.
 */

const DINGTALK_SCHEMA = `
  CREATE TABLE IF NOT EXISTS dingtalk_records (
    collection TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (collection, key)
  ) WITHOUT ROWID;
`

/**
 * Reads and checks the DingTalk stand-in's state. Null when the file holds none: a new file, or
 * one written while the DingTalk stand-in lived in memory (its `dd:` cloud rows were unreachable
 * from then on anyway, so they are no reason to refuse). Throws `StateProblem`.
 */
export function readDingTalkState(db: Db): DingTalkSnapshot | null {
  const tables = tableNames(db)
  const format = tables.has('preview_meta')
    ? (db.prepare(`SELECT value FROM preview_meta WHERE key = 'dingtalkFormat'`).pluck().get() as
        | string
        | undefined)
    : undefined
  if (!tables.has('dingtalk_records')) {
    if (format === undefined) return null
    throw new StateProblem(`the table dingtalk_records is missing`)
  }
  const records = db
    .prepare(`SELECT collection, key, value FROM dingtalk_records ORDER BY collection, key`)
    .all() as DingTalkRecord[]
  if (format === undefined) {
    if (records.length === 0) return null
    throw new StateProblem(`the DingTalk stand-in's state has no format version`)
  }
  checkFormat("the DingTalk stand-in's state", format, DINGTALK_FORMAT)
  const snapshot = parseRecords("the DingTalk stand-in's state", DingTalkSnapshotError, () =>
    dingTalkSnapshotFromRecords(records),
  )
  if (Object.keys(snapshot.apps).length === 0) {
    throw new StateProblem(`the DingTalk stand-in's state has no app: its records are gone`)
  }
  // Every DingTalk player the cloud side holds rows for is a user the stand-in knows, except
  // those whose rows were there before the stand-in's state was (written while it lived in
  // memory, unreachable since).
  let orphans: unknown = []
  const storedOrphans = db
    .prepare(`SELECT value FROM preview_meta WHERE key = 'dingtalkOrphans'`)
    .pluck()
    .get() as string | undefined
  try {
    orphans = JSON.parse(storedOrphans ?? '[]')
  } catch {
    orphans = null
  }
  if (!Array.isArray(orphans) || orphans.some((orphan) => typeof orphan !== 'string')) {
    throw new StateProblem(
      `the list of DingTalk players from before the stand-in was stored is damaged`,
    )
  }
  const known = new Set(orphans as string[])
  if (tables.has('memberships')) {
    const players = dingTalkPlayers(db).filter((player) => !known.has(player))
    for (const player of players) {
      const [, corpId = '', ...rest] = player.split(':')
      if (!snapshot.users[userKey(corpId, rest.join(':'))]) {
        throw new StateProblem(
          `the cloud rows of the DingTalk user ${player} have no user in the DingTalk stand-in's state`,
        )
      }
    }
  }
  return snapshot
}

function dingTalkPlayers(db: Db): string[] {
  return db
    .prepare(`SELECT DISTINCT openid FROM memberships WHERE openid LIKE 'dd:%'`)
    .pluck()
    .all() as string[]
}

export interface DingTalkStateStore {
  /** Runs `work` in one transaction: all of its writes are stored, or none. */
  atomically<T>(work: () => T): T
  /** The DingTalk stand-in's `onChange`: one commit per change. */
  commit(records: DingTalkRecord[]): void
  /**
   * Marks the file as holding DingTalk state of this format (with the first records), noting the
   * DingTalk players that already have cloud rows: those belong to no stored user.
   */
  writeFormat(): void
  close(): void
}

/** A connection of its own to the preview's database, for the DingTalk stand-in. */
export function openDingTalkStateStore(filename: string): DingTalkStateStore {
  const db = new Database(filename)
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('wal_autocheckpoint = 10000')
  db.exec(SCHEMA)
  db.exec(DINGTALK_SCHEMA)
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO dingtalk_records (collection, key, value) VALUES (?, ?, ?)`,
  )
  const remove = db.prepare(`DELETE FROM dingtalk_records WHERE collection = ? AND key = ?`)
  const setMeta = db.prepare(`INSERT OR REPLACE INTO preview_meta (key, value) VALUES (?, ?)`)
  const write = db.transaction((records: DingTalkRecord[]) => {
    for (const { collection, key, value } of records) {
      if (value === null) remove.run(collection, key)
      else upsert.run(collection, key, value)
    }
  })
  return {
    atomically: (work) => db.transaction(work).immediate(),
    commit: (records) => write.immediate(records),
    writeFormat: () => {
      setMeta.run('dingtalkFormat', String(DINGTALK_FORMAT))
      if (tableNames(db).has('memberships')) {
        setMeta.run('dingtalkOrphans', JSON.stringify(dingTalkPlayers(db)))
      }
    },
    close: () => db.close(),
  }
}
