/**
 * Notes which records of the stand-in's state a call wrote, so that only those are stored.
 *
 * The stand-in mutates plain objects in many places (a ticket here, a session key there, a chat's
 * member list through `push`); marking each site by hand would miss the next one added. Instead
 * the state is seen through proxies: any write below `state[collection][key]` marks that record,
 * any write into a whole-list collection marks the list. Reads are unchanged; the same raw object
 * always yields the same proxy, so identity checks (`indexOf`) still work.
 */
import { KEYED_COLLECTIONS, type StandInCollection, WHOLE_COLLECTION_KEY } from './snapshot'

export interface WriteTracker<T> {
  /** The state to work on; writes through it are noted. */
  state: T
  /** Records written since the last `clear()`, by collection. */
  written(): Map<StandInCollection, Set<string>>
  clear(): void
}

const isKeyed = (name: string): boolean => (KEYED_COLLECTIONS as readonly string[]).includes(name)

export function trackWrites<T extends object>(raw: T): WriteTracker<T> {
  const written = new Map<StandInCollection, Set<string>>()
  const note = (collection: StandInCollection, key: string): void => {
    let keys = written.get(collection)
    if (!keys) written.set(collection, (keys = new Set()))
    keys.add(key)
  }
  const proxies = new WeakMap<object, object>()

  const watch = <V extends object>(target: V, onWrite: () => void): V => {
    const existing = proxies.get(target)
    if (existing) return existing as V
    const proxy = new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property)
        // A nested object belongs to the same record; where it was first reached from decides.
        return typeof value === 'object' && value !== null ? watch(value, onWrite) : value
      },
      set(object, property, value) {
        onWrite()
        return Reflect.set(object, property, value)
      },
      deleteProperty(object, property) {
        onWrite()
        return Reflect.deleteProperty(object, property)
      },
      defineProperty(object, property, descriptor) {
        onWrite()
        return Reflect.defineProperty(object, property, descriptor)
      },
    })
    proxies.set(target, proxy)
    return proxy
  }

  const collections = new Map<string, object>()
  const state = new Proxy(raw, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property)
      if (typeof property !== 'string' || typeof value !== 'object' || value === null) return value
      let collection = collections.get(property)
      if (!collection) {
        const name = property as StandInCollection
        collection = isKeyed(property)
          ? keyedCollection(value, name)
          : watch(value, () => note(name, WHOLE_COLLECTION_KEY))
        collections.set(property, collection)
      }
      return collection
    },
  })

  // A keyed collection marks the record a write lands in: the key written, or the key through
  // which a nested object was reached.
  function keyedCollection(target: object, name: StandInCollection): object {
    return new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key)
        if (typeof key !== 'string' || typeof value !== 'object' || value === null) return value
        return watch(value, () => note(name, key))
      },
      set(object, key, value) {
        if (typeof key === 'string') note(name, key)
        return Reflect.set(object, key, value)
      },
      deleteProperty(object, key) {
        if (typeof key === 'string') note(name, key)
        return Reflect.deleteProperty(object, key)
      },
    })
  }

  return {
    state,
    written: () => written,
    clear: () => written.clear(),
  }
}
