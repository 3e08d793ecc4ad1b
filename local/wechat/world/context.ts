/**
 * The world model's state and the few things every part of it uses: the clock, the source of
 * random bytes, and the derived opengid index. Each part of the model (accounts, login, groups,
 * cards, open data, CloudIDs, subscribe messages) is a set of plain functions taking this `World`.
 */
import { trackWrites, type WriteTracker } from '../write-tracker'
import { loadSnapshot, withoutPrototypes } from './persistence'
import { emptySnapshot, type StandInSnapshot } from './records'

export interface World {
  /** The state to read and write; with a change feed, writes through it are noted. */
  readonly state: StandInSnapshot
  /** The same state, untracked: what `toJSON` and the change feed read. */
  readonly raw: StandInSnapshot
  /** Notes which records a call wrote; null when nobody listens for changes. */
  readonly tracker: WriteTracker<StandInSnapshot> | null
  /** Milliseconds since the epoch. */
  readonly clock: () => number
  readonly random: (bytes: number) => Buffer
  /** opengid → where it points; derived, so rebuilt rather than persisted. */
  readonly opengidIndex: Map<string, { appid: string; chatId: string }>
}

export interface WorldOptions {
  clock: () => number
  random: (bytes: number) => Buffer
  snapshot?: StandInSnapshot
  /** Track writes, for a change feed. */
  trackChanges: boolean
}

export function createWorld(options: WorldOptions): World {
  const raw = withoutPrototypes(options.snapshot ? loadSnapshot(options.snapshot) : emptySnapshot())
  const tracker = options.trackChanges ? trackWrites(raw) : null
  const state = tracker?.state ?? raw
  const opengidIndex = new Map<string, { appid: string; chatId: string }>()
  for (const chat of Object.values(state.chats)) {
    for (const [appid, opengid] of Object.entries(chat.opengids)) {
      opengidIndex.set(opengid, { appid, chatId: chat.chatId })
    }
  }
  return { state, raw, tracker, clock: options.clock, random: options.random, opengidIndex }
}

export function hex(world: World, bytes: number): string {
  return world.random(bytes).toString('hex')
}

export function b64url(world: World, bytes: number): string {
  return world.random(bytes).toString('base64url')
}
