/**
 * Snapshots of the world: loading one (checked, prototype-free), handing out a copy, and the
 * change feed that offers the records each call wrote to whoever persists them (the local
 * preview's SQLite file, local/server/state-db.ts).
 */
import { parseSnapshot, SnapshotError, type StandInRecord, WHOLE_COLLECTION_KEY } from '../snapshot'
import type { World } from './context'
import { StandInError } from './errors'
import { clone, type StandInSnapshot } from './records'

export function loadSnapshot(snapshot: StandInSnapshot): StandInSnapshot {
  try {
    return clone(parseSnapshot(snapshot))
  } catch (error) {
    if (error instanceof SnapshotError) throw new StandInError('INVALID_SNAPSHOT', error.message)
    throw error
  }
}

/**
 * The state's maps are keyed by ids that callers send (openids, tickets, card ids): as objects
 * without a prototype, `accounts['constructor']` or `accounts['__proto__']` is simply absent,
 * never `Object`'s own function (issue 13, row 6).
 */
export function withoutPrototypes(snapshot: StandInSnapshot): StandInSnapshot {
  const bare = <T>(record: Record<string, T>): Record<string, T> =>
    Object.assign(Object.create(null) as Record<string, T>, record)
  return {
    ...snapshot,
    apps: bare(snapshot.apps),
    persons: bare(snapshot.persons),
    accounts: bare(snapshot.accounts),
    chats: bare(snapshot.chats),
    cards: bare(snapshot.cards),
    codes: bare(snapshot.codes),
    tickets: bare(snapshot.tickets),
    cloudIds: bare(snapshot.cloudIds),
    groupOpenids: bare(snapshot.groupOpenids),
    sessionCalls: bare(snapshot.sessionCalls),
    subscriptions: bare(snapshot.subscriptions),
    serviceNotices: bare(snapshot.serviceNotices),
    subscribeChoices: bare(snapshot.subscribeChoices),
  }
}

/** A copy of everything the world knows. */
export function worldSnapshot(world: World): StandInSnapshot {
  return clone(world.raw)
}

/** Offers the records written since the last commit to `onChange`, then forgets them. */
function commit(world: World, onChange: (records: StandInRecord[]) => void): void {
  const { tracker, raw } = world
  if (!tracker) return
  const written = tracker.written()
  if (written.size === 0) return
  const records: StandInRecord[] = []
  for (const [collection, keys] of written) {
    if (collection === 'faults') {
      records.push({ collection, key: WHOLE_COLLECTION_KEY, value: JSON.stringify(raw.faults) })
      continue
    }
    for (const key of keys) {
      const value: unknown = raw[collection][key]
      records.push({ collection, key, value: value === undefined ? null : JSON.stringify(value) })
    }
  }
  onChange(records)
  tracker.clear()
}

/**
 * Makes every method of `facade` commit on its way out. Every method may write (even reads mint
 * opengids), so each one commits, also when it throws after a partial change: the store always
 * matches what is in memory. If `onChange` throws, the call throws and the records are offered
 * again with the next change. `skip` names methods that never write.
 */
export function commitEachCall<T extends object>(
  facade: T,
  world: World,
  onChange: (records: StandInRecord[]) => void,
  skip: readonly string[],
): T {
  const methods = facade as unknown as Record<string, unknown>
  for (const name of Object.keys(facade)) {
    const method = methods[name]
    if (typeof method !== 'function' || skip.includes(name)) continue
    methods[name] = (...args: unknown[]): unknown => {
      try {
        return (method as (...a: unknown[]) => unknown).apply(facade, args)
      } finally {
        commit(world, onChange)
      }
    }
  }
  return facade
}
