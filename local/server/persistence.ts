/**
 * What `npm start` keeps under its data directory (`.data/` by default), and how it is written.
 *
 *   leaderboard.sqlite (+ -wal, -shm)  the cloud function's store
 *   wechat.json                        the WeChat stand-in (apps, users, groups, cards, tickets…)
 *   server.json                        this server's own state: the app id, phone sessions
 *   files/                             uploaded avatars, served at /files/
 *
 * JSON files are written atomically (temp file + rename), so a crash mid-write leaves the previous
 * version rather than half a file.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import type { StandInSnapshot, WeChatStandIn } from '../wechat/stand-in'

export interface DataLayout {
  dir: string
  database: string
  standIn: string
  server: string
  files: string
}

export function dataLayout(dir: string): DataLayout {
  return {
    dir,
    database: join(dir, 'leaderboard.sqlite'),
    standIn: join(dir, 'wechat.json'),
    server: join(dir, 'server.json'),
    files: join(dir, 'files'),
  }
}

/**
 * Deletes what this server wrote, and nothing else: `--data-dir` may point at a folder that holds
 * other things too, so the directory itself is never removed wholesale.
 */
export function resetData(layout: DataLayout): void {
  for (const file of [
    layout.database,
    `${layout.database}-wal`,
    `${layout.database}-shm`,
    layout.standIn,
    layout.server,
  ]) {
    rmSync(file, { force: true })
  }
  rmSync(layout.files, { recursive: true, force: true })
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(value)}\n`)
  renameSync(temp, file)
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return null
  return JSON.parse(readFileSync(file, 'utf8')) as unknown
}

export function readStandInSnapshot(layout: DataLayout): StandInSnapshot | null {
  return readJson(layout.standIn) as StandInSnapshot | null
}

/** This server's own state, beside the stand-in's. */
export interface ServerState {
  version: 1
  /** The mini program the simulator runs; registered in the stand-in on first start. */
  appid: string | null
  /** Keys member keys in the store; stable across restarts so rankings keep their keys. */
  memberKeySalt: string
  /** Phone session token → openid. A token stands for "this phone is signed in as". */
  sessions: Record<string, string>
}

export function readServerState(layout: DataLayout): ServerState {
  const stored = readJson(layout.server) as Partial<ServerState> | null
  return {
    version: 1,
    appid: stored?.appid ?? null,
    memberKeySalt: stored?.memberKeySalt ?? randomBytes(24).toString('base64url'),
    sessions: { ...(stored?.sessions ?? {}) },
  }
}

export interface Persister {
  /** Something may have changed: write soon (debounced). */
  markDirty(): void
  /** Write now if anything changed since the last write. */
  flush(): void
  /** Flush and stop the timer. */
  close(): void
}

/**
 * Writes the stand-in snapshot and the server state a short while after the last change, and on
 * flush. Requests mark the state dirty rather than the stand-in reporting changes itself (it has
 * no change hook), and a write is skipped when the JSON did not actually change.
 */
export function createPersister(options: {
  layout: DataLayout
  standIn: WeChatStandIn
  serverState: ServerState
  debounceMs?: number
}): Persister {
  const { layout, standIn, serverState } = options
  const debounceMs = options.debounceMs ?? 250
  let timer: NodeJS.Timeout | null = null
  let lastStandIn = ''
  let lastServer = ''

  const flush = (): void => {
    if (timer !== null) {
      clearTimeout(timer)
      timer = null
    }
    mkdirSync(layout.dir, { recursive: true })
    const snapshot = JSON.stringify(standIn.toJSON())
    if (snapshot !== lastStandIn) {
      writeJsonAtomic(layout.standIn, JSON.parse(snapshot))
      lastStandIn = snapshot
    }
    const server = JSON.stringify(serverState)
    if (server !== lastServer) {
      writeJsonAtomic(layout.server, serverState)
      lastServer = server
    }
  }

  return {
    markDirty() {
      if (timer !== null) return
      timer = setTimeout(() => {
        timer = null
        try {
          flush()
        } catch (error) {
          // Keep serving; the next change or the shutdown flush tries again.
          console.error('local server: could not save state', error)
        }
      }, debounceMs)
      // A pending save must not keep a finished process alive; close() flushes it anyway.
      timer.unref()
    },
    flush,
    close() {
      flush()
    },
  }
}
