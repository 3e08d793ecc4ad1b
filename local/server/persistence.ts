/**
 * What `npm start` keeps under its data directory (`.data/` by default):
 *
 *   leaderboard.sqlite (+ -wal, -shm)  everything: the cloud function's store, and in tables of its
 *                                      own the WeChat stand-in, the app id and phone sessions, and
 *                                      the DingTalk stand-in
 *                                      (state-db.ts says why one file)
 *   files/                             uploaded avatars, served at /files/
 *   wechat.json, server.json           only in folders written before the stand-in moved into
 *                                      SQLite; imported once, then renamed to *.imported
 *
 * Start-up first inspects all of it without changing a byte (`inspectDataDir`): anything
 * unreadable, of an unknown version, or missing while the other side has data is refused with a
 * `DataDirError` naming the file. The way out besides restoring the file is `--reset`, which moves
 * the whole folder aside (`moveDataAside`) rather than deleting anything.
 */
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

import Database from 'better-sqlite3'

import { SCHEMA_VERSION } from '../../cloudfunctions/adapters/sqlite-store'
import type { DingTalkSnapshot } from '../dingtalk/snapshot'
import { parseSnapshot, SnapshotError } from '../wechat/snapshot'
import {
  checkPreviewState,
  countCloudRows,
  type ImportedFiles,
  type PreviewState,
  readDingTalkState,
  readPreviewState,
  SESSION_TOKEN_PATTERN,
  StateProblem,
} from './state-db'

export interface DataLayout {
  dir: string
  database: string
  files: string
  /** Written by earlier versions; read once to import. */
  legacyStandIn: string
  legacyServer: string
}

export function dataLayout(dir: string): DataLayout {
  return {
    dir,
    database: join(dir, 'leaderboard.sqlite'),
    files: join(dir, 'files'),
    legacyStandIn: join(dir, 'wechat.json'),
    legacyServer: join(dir, 'server.json'),
  }
}

/** Stored state that start-up refuses to use; nothing on disk was changed. */
export class DataDirError extends Error {
  readonly file: string
  readonly problem: string

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`)
    this.name = 'DataDirError'
    this.file = file
    this.problem = problem
  }
}

type WeChatPlan =
  /** Nothing stored yet (or only empty cloud tables): register a new app. */
  | { kind: 'fresh' }
  /** The database holds the preview state; `leftovers` are imported legacy files to rename. */
  | { kind: 'resume'; state: PreviewState; leftovers: string[] }
  /** A folder of an earlier version: store the legacy files' state in the database. */
  | { kind: 'import'; state: PreviewState; importedFiles: ImportedFiles; leftovers: string[] }

export type StartPlan = WeChatPlan & {
  /** The DingTalk stand-in's stored state; null: none yet (it starts with the local corp). */
  dingtalk: DingTalkSnapshot | null
}

interface DatabaseFindings {
  state: (PreviewState & { importedFiles: ImportedFiles }) | null
  cloudRows: number
  /** Reported after the WeChat side's problems, which say more about a damaged file. */
  dingtalk: DingTalkSnapshot | DataDirError | null
}

/**
 * Reads the database from a private copy: opening the file itself would recover its WAL,
 * checkpoint on close and create -wal/-shm files, i.e. change the folder before the user chose.
 */
function inspectDatabase(file: string): DatabaseFindings | null {
  if (!existsSync(file)) return null
  const scratch = mkdtempSync(join(tmpdir(), 'leaderboard-inspect-'))
  const copy = join(scratch, basename(file))
  let db: Database.Database | null = null
  try {
    copyFileSync(file, copy)
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`)
    try {
      db = new Database(copy, { fileMustExist: true })
      const check = db.pragma('quick_check', { simple: true }) as string
      if (check !== 'ok') throw new StateProblem(`is damaged (SQLite quick_check: ${check})`)
    } catch (error) {
      if (error instanceof StateProblem) throw new DataDirError(file, error.message)
      throw new DataDirError(
        file,
        `is not a readable SQLite database (${(error as Error).message}); it may be cut short or overwritten`,
      )
    }
    const version = db.pragma('user_version', { simple: true }) as number
    if (version > SCHEMA_VERSION) {
      throw new DataDirError(
        file,
        `was written by a newer version of this code (cloud schema ${version}; this code knows up to ${SCHEMA_VERSION})`,
      )
    }
    try {
      let dingtalk: DatabaseFindings['dingtalk']
      try {
        dingtalk = readDingTalkState(db)
      } catch (error) {
        if (!(error instanceof StateProblem)) throw error
        dingtalk = new DataDirError(file, error.message)
      }
      return { state: readPreviewState(db), cloudRows: countCloudRows(db), dingtalk }
    } catch (error) {
      if (error instanceof StateProblem) throw new DataDirError(file, error.message)
      throw new DataDirError(file, `cannot be read (${(error as Error).message})`)
    }
  } finally {
    db?.close()
    rmSync(scratch, { recursive: true, force: true })
  }
}

function readJsonFile(file: string): { value: unknown; sha256: string } {
  const bytes = readFileSync(file)
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw new DataDirError(
      file,
      `is not valid JSON (${(error as Error).message}); it may be cut short or edited by hand`,
    )
  }
  return { value, sha256: createHash('sha256').update(bytes).digest('hex') }
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** server.json as version 1 of this server wrote it. */
function parseLegacyServer(file: string, value: unknown): Omit<PreviewState, 'standIn'> {
  const fail = (problem: string): never => {
    throw new DataDirError(file, problem)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`should hold an object, but holds ${JSON.stringify(value)}`)
  }
  const stored = value as Record<string, unknown>
  if (stored.version !== 1) {
    return fail(
      stored.version === undefined
        ? 'has no version'
        : `is version ${JSON.stringify(stored.version)}; this code reads version 1`,
    )
  }
  if (typeof stored.appid !== 'string') fail('has no app id (appid)')
  if (typeof stored.memberKeySalt !== 'string') fail('has no member-key salt (memberKeySalt)')
  const sessions = stored.sessions
  if (typeof sessions !== 'object' || sessions === null || Array.isArray(sessions)) {
    return fail('has no phone sessions (sessions)')
  }
  for (const [token, openid] of Object.entries(sessions)) {
    if (!SESSION_TOKEN_PATTERN.test(token) || typeof openid !== 'string') {
      fail(`has a malformed phone session ${JSON.stringify(token)}`)
    }
  }
  return {
    appid: stored.appid as string,
    memberKeySalt: stored.memberKeySalt as string,
    sessions: sessions as Record<string, string>,
  }
}

/**
 * Decides how to start from what the folder holds, reading only. Throws `DataDirError` for
 * anything it will not use as it is.
 */
export function inspectDataDir(layout: DataLayout): StartPlan {
  const database = inspectDatabase(layout.database)
  const plan = inspectWeChatState(layout, database)
  if (database?.dingtalk instanceof DataDirError) throw database.dingtalk
  return { ...plan, dingtalk: database?.dingtalk ?? null }
}

function inspectWeChatState(layout: DataLayout, database: DatabaseFindings | null): WeChatPlan {
  const legacy = [layout.legacyStandIn, layout.legacyServer].filter((file) => existsSync(file))

  if (database?.state) {
    // Legacy files beside an imported state: the rename after the import did not happen yet.
    for (const file of legacy) {
      if (database.state.importedFiles[basename(file)] !== sha256Of(file)) {
        throw new DataDirError(
          file,
          `is left over from an earlier version, but ${basename(layout.database)} already holds the state it would have been imported into`,
        )
      }
    }
    return { kind: 'resume', state: database.state, leftovers: legacy }
  }

  if (legacy.length === 0) {
    if (database && database.cloudRows > 0) {
      throw new DataDirError(
        layout.database,
        `holds ${database.cloudRows} rows of cloud data, but the WeChat stand-in's state (the users and groups they belong to) is missing: it is neither in this file nor in ${basename(layout.legacyStandIn)} beside it`,
      )
    }
    return { kind: 'fresh' }
  }
  for (const [file, other] of [
    [layout.legacyStandIn, layout.legacyServer],
    [layout.legacyServer, layout.legacyStandIn],
  ] as const) {
    if (!existsSync(file)) {
      throw new DataDirError(
        file,
        `is missing, but ${basename(other)} is here: the two belong together`,
      )
    }
  }
  if (!database) {
    throw new DataDirError(
      layout.database,
      `is missing, but ${basename(layout.legacyStandIn)} and ${basename(layout.legacyServer)} are here: the cloud data that belongs to their users is gone`,
    )
  }

  const standInFile = readJsonFile(layout.legacyStandIn)
  const serverFile = readJsonFile(layout.legacyServer)
  let standIn
  try {
    standIn = parseSnapshot(standInFile.value)
  } catch (error) {
    if (error instanceof SnapshotError) throw new DataDirError(layout.legacyStandIn, error.message)
    throw error
  }
  const state: PreviewState = {
    ...parseLegacyServer(layout.legacyServer, serverFile.value),
    standIn,
  }
  try {
    checkPreviewState(state, basename(layout.legacyServer))
  } catch (error) {
    if (!(error instanceof StateProblem)) throw error
    const file = error.part === 'standIn' ? layout.legacyStandIn : layout.legacyServer
    throw new DataDirError(file, error.message)
  }
  return {
    kind: 'import',
    state,
    importedFiles: {
      [basename(layout.legacyStandIn)]: standInFile.sha256,
      [basename(layout.legacyServer)]: serverFile.sha256,
    },
    leftovers: legacy,
  }
}

/** Where an imported legacy file goes, so that it is neither read again nor lost. */
export function importedName(file: string): string {
  return `${file}.imported`
}

function timestamp(now: Date): string {
  return now.toISOString().slice(0, 19).replace(/:/g, '-')
}

/**
 * `--reset`: moves the data folder aside as `<dir>.<date>T<time>` (UTC) and returns where it went;
 * null when there was nothing to move. Nothing is deleted, and a folder that also holds other
 * things (`--data-dir` may point anywhere) moves as a whole.
 */
export function moveDataAside(layout: DataLayout, now = new Date()): string | null {
  if (!existsSync(layout.dir) || readdirSync(layout.dir).length === 0) return null
  const base = `${layout.dir}.${timestamp(now)}`
  let target = base
  for (let attempt = 2; existsSync(target); attempt++) target = `${base}-${attempt}`
  renameSync(layout.dir, target)
  return target
}
