// In-process stand-in of the CloudBase database at the SDK's wire seam: the real wx-server-sdk
// database object builds every request, and this answers it with mingo, one `send` per round trip.
import 'mingo/init/system'

import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { Db } from '@cloudbase/database'
// The EJSON codec @cloudbase/database itself uses on this wire (its own dependency, hoisted).
import { EJSON } from 'bson'
import { Aggregator, Query, update as applyUpdate } from 'mingo'
import * as cloud from 'wx-server-sdk'

import type { CloudDatabase, CloudDoc } from '../../../cloudfunctions/adapters/cloudbase-store'

type Json = Record<string, unknown>

/** `limit` the server accepts on a query (the SDK itself clamps to it) and on an aggregate. */
export const SERVER_MAX_LIMIT = 1000

/** One request as it leaves the function: `database.getDocument`, `database.modifyDocument`, … */
export interface WireCall {
  action: string
  collection: string
  params: Json
  /** The label of the `actor(...)` the request was made in, if any (interleaving tests). */
  actor: string | undefined
}

/** Declared indexes, as in `cloudfunctions/leaderboard/database-indexes.json`. */
export interface IndexFile {
  collections: Record<string, { id: string; indexes: Array<Record<string, 1 | -1>> }>
}

export const INDEX_FILE = join(
  __dirname,
  '../../../cloudfunctions/leaderboard/database-indexes.json',
)

export function readIndexFile(): IndexFile {
  return JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as IndexFile
}

/** Stages the adapter uses, and nothing else: anything more fails a test instead of production. */
const STAGES = new Set([
  '$match',
  '$project',
  '$lookup',
  '$unwind',
  '$sort',
  '$limit',
  '$count',
  '$group',
])
/** Aggregation expression operators the adapter uses inside $project and $group. */
const EXPRESSIONS = new Set(['$concat', '$cond', '$and', '$or', '$eq', '$gt', '$lt', '$sum'])
const UPDATE_OPERATORS = new Set(['$set', '$inc', '$unset', '$max', '$pull'])
const ACTIONS = new Set([
  'database.getDocument',
  'database.calculateDocument',
  'database.insertDocument',
  'database.modifyDocument',
  'database.removeDocument',
  'database.aggregateDocuments',
])

/** A request the real database would not serve the way the adapter expects. */
export class StandinRefusal extends Error {}

const actors = new AsyncLocalStorage<string>()
const standins = new Map<string, CloudDbStandin>()
let envCounter = 0

/** Yields to the event loop so that concurrent callers interleave as they would over a network. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

const wire = (doc: unknown) => EJSON.stringify(doc as Json, { relaxed: false })
const parse = (text: unknown): Json =>
  typeof text === 'string' && text !== '' ? (EJSON.parse(text, { relaxed: true }) as Json) : {}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** Replaces the SDK's HTTP requester: `new Db.reqClass(config)` is built for every query object. */
class StandinRequester {
  private readonly standin: CloudDbStandin
  constructor(config: { envName?: string }) {
    const standin = standins.get(config.envName ?? '')
    if (!standin) throw new Error(`stand-in: no cloud database stand-in for env ${config.envName}`)
    this.standin = standin
  }

  send(action: string, params: Json): Promise<unknown> {
    return this.standin.receive(action, params)
  }
}

// `cloud.database()` resets `Db.reqClass` to the HTTP requester each time it is called; pin it.
Object.defineProperty(Db, 'reqClass', {
  configurable: true,
  get: () => StandinRequester,
  set: () => undefined,
})
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

export interface StandinOptions {
  /** Collection prefix of the declared indexes (the adapter's default is `lb_`). */
  prefix?: string
  /** Declared indexes; null turns the index check off (only for a stand-in's own tests). */
  indexes?: IndexFile | null
}

export class CloudDbStandin {
  /** The real `cloud.database()`, wired to this stand-in: pass it to the adapter. */
  readonly db: CloudDatabase
  readonly calls: WireCall[] = []
  /**
   * Runs before each request is answered; a returned promise holds the request until it settles.
   * Gates and round-trip meters plug in here.
   */
  interceptor: ((call: WireCall) => Promise<void> | void) | null = null
  private readonly collections = new Map<string, Map<string, CloudDoc>>()
  private readonly prefix: string
  private readonly indexes: IndexFile | null

  constructor(options: StandinOptions = {}) {
    const env = `standin-${++envCounter}`
    standins.set(env, this)
    this.prefix = options.prefix ?? 'lb_'
    this.indexes = options.indexes === undefined ? readIndexFile() : options.indexes
    this.db = cloud.database({ env }) as unknown as CloudDatabase
  }

  get command(): CloudDatabase['command'] {
    return this.db.command
  }

  /** Runs `fn` with its requests labelled `name` (see `WireCall.actor`). */
  actor<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return actors.run(name, fn)
  }

  /** Writes documents directly, bypassing the wire (fixtures and benchmarks). */
  seed(collection: string, docs: Iterable<CloudDoc>): void {
    const store = this.docs(collection)
    for (const doc of docs) store.set(doc._id, clone(doc))
  }

  /** Every non-empty collection's documents in `_id` order: lets tests prove nothing was written. */
  dump(): Record<string, CloudDoc[]> {
    return Object.fromEntries(
      [...this.collections.keys()]
        .sort()
        .map((name): [string, CloudDoc[]] => [
          name,
          [...this.docs(name).values()].sort((a, b) => (a._id < b._id ? -1 : 1)),
        ])
        .filter(([, docs]) => docs.length > 0)
        .map(([name, docs]) => [name, clone(docs)]),
    )
  }

  /** @internal One request from the SDK: one round trip. */
  async receive(action: string, params: Json): Promise<unknown> {
    const call: WireCall = {
      action,
      collection: String(params.collectionName),
      params,
      actor: actors.getStore(),
    }
    this.calls.push(call)
    await this.interceptor?.(call)
    await tick()
    // Evaluated synchronously: one request is atomic on the server, as on the real database.
    return this.execute(call)
  }

  private docs(name: string): Map<string, CloudDoc> {
    let docs = this.collections.get(name)
    if (!docs) {
      docs = new Map()
      this.collections.set(name, docs)
    }
    return docs
  }

  private execute({ action, collection, params }: WireCall): unknown {
    if (!ACTIONS.has(action)) throw new StandinRefusal(`stand-in: ${action} is not supported`)
    if (params.transactionId) throw new StandinRefusal('stand-in: transactions are not supported')
    const docs = this.docs(collection)
    const query = parse(params.query)
    switch (action) {
      case 'database.getDocument': {
        if (params.projection) throw new StandinRefusal('stand-in: field() is not supported')
        const order = parse(params.order) as Record<string, 1 | -1>
        this.checkIndexed(collection, query, order)
        const limit = Number(params.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > SERVER_MAX_LIMIT) {
          return invalid(`limit must be 1..${SERVER_MAX_LIMIT}`)
        }
        let cursor = new Query(query).find<CloudDoc>([...docs.values()])
        if (Object.keys(order).length > 0) cursor = cursor.sort(order)
        const list = cursor
          .skip(Number(params.offset ?? 0))
          .limit(limit)
          .all()
        return { requestId: 'standin', data: { list: list.map(wire), limit } }
      }
      case 'database.calculateDocument': {
        this.checkIndexed(collection, query, {})
        return { requestId: 'standin', data: { total: this.match(docs, query).length } }
      }
      case 'database.removeDocument': {
        this.checkIndexed(collection, query, {})
        const matched = this.match(docs, query)
        const removed = params.multi === false ? matched.slice(0, 1) : matched
        for (const doc of removed) docs.delete(doc._id)
        return { requestId: 'standin', data: { deleted: removed.length } }
      }
      case 'database.modifyDocument': {
        // `where().update()` sends merge: true, upsert: false; the adapter relies on nothing else.
        if (params.upsert !== false || params.merge !== true) {
          throw new StandinRefusal('stand-in: only where().update() is supported')
        }
        this.checkIndexed(collection, query, {})
        const ops = parse(params.data)
        for (const op of Object.keys(ops)) {
          if (!UPDATE_OPERATORS.has(op)) throw new StandinRefusal(`stand-in: update ${op}`)
        }
        const matched = this.match(docs, query)
        const updated = params.multi === false ? matched.slice(0, 1) : matched
        for (const doc of updated) {
          for (const [op, fields] of Object.entries(ops)) {
            if (Object.keys(fields as Json).some((path) => path === '_id')) {
              return invalid('_id cannot be updated')
            }
            applyUpdate(doc, { [op]: fields } as Parameters<typeof applyUpdate>[1])
          }
        }
        return { requestId: 'standin', data: { updated: updated.length } }
      }
      case 'database.insertDocument': {
        const ids: string[] = []
        for (const text of params.data as string[]) {
          const doc = parse(text)
          const id = typeof doc._id === 'string' ? doc._id : randomBytes(16).toString('hex')
          if (docs.has(id)) {
            return {
              code: 'DATABASE_REQUEST_FAILED',
              message:
                `[FailedOperation] E11000 duplicate key error collection: ${collection} ` +
                `index: _id_ dup key: { _id: "${id}" }`,
            }
          }
          docs.set(id, { ...doc, _id: id })
          ids.push(id)
        }
        return { requestId: 'standin', data: { insertedIds: ids } }
      }
      default: {
        const stages = (params.stages as Array<{ stageKey: string; stageValue: string }>).map(
          ({ stageKey, stageValue }) => ({
            [stageKey]: EJSON.parse(stageValue, { relaxed: true }),
          }),
        )
        this.checkPipeline(collection, stages)
        const pipeline = new Aggregator(stages, {
          collectionResolver: (name: string) => clone([...this.docs(name).values()]),
        })
        const list = pipeline.run(clone([...docs.values()])) as Json[]
        return { requestId: 'standin', data: { list: list.map(wire) } }
      }
    }
  }

  private match(docs: Map<string, CloudDoc>, query: Json): CloudDoc[] {
    return new Query(query).find<CloudDoc>([...docs.values()]).all()
  }

  private declared(collection: string): IndexFile['collections'][string] | null {
    if (this.indexes === null) return null
    const name = collection.startsWith(this.prefix) ? collection.slice(this.prefix.length) : ''
    const declared = this.indexes.collections[name]
    if (!declared) throw new StandinRefusal(`stand-in: collection ${collection} is not declared`)
    return declared
  }

  /**
   * Refuses a query (and its sort) that no declared index serves: the query must constrain
   * `_id` or the first key of an index at top level, and a sort must continue that index after
   * its equality prefix, in the index's directions or all reversed (compound prefix rules).
   */
  private checkIndexed(collection: string, query: Json, order: Record<string, 1 | -1>): void {
    const declared = this.declared(collection)
    if (declared === null) return
    const constrained = conjuncts(query)
    const sortKeys = Object.entries(order)
    if (constrained.has('_id') && sortKeys.length === 0) return
    for (const index of declared.indexes) {
      const keys = Object.entries(index)
      if (!constrained.has(keys[0]![0])) continue
      let prefix = 0
      while (prefix < keys.length && constrained.get(keys[prefix]![0]) === 'equality') prefix++
      const rest = keys.slice(prefix, prefix + sortKeys.length)
      const same = sortKeys.every(([k, d], i) => rest[i]?.[0] === k && rest[i]?.[1] === d)
      const reversed = sortKeys.every(([k, d], i) => rest[i]?.[0] === k && rest[i]?.[1] === -d)
      if (sortKeys.length === 0 || same || reversed) return
    }
    throw new StandinRefusal(
      `stand-in: no declared index of ${collection} serves ${JSON.stringify(query)}` +
        (sortKeys.length > 0 ? ` sorted by ${JSON.stringify(order)}` : ''),
    )
  }

  private checkPipeline(collection: string, stages: Json[]): void {
    const keys = stages.map((stage) => Object.keys(stage)[0]!)
    for (const key of keys) {
      if (!STAGES.has(key)) throw new StandinRefusal(`stand-in: aggregate stage ${key}`)
    }
    if (keys[0] !== '$match') {
      throw new StandinRefusal('stand-in: an aggregate must start with an indexed $match')
    }
    this.checkIndexed(
      collection,
      stages[0]!.$match as Json,
      keys[1] === '$sort' ? (stages[1]!.$sort as Record<string, 1 | -1>) : {},
    )
    for (const stage of stages) {
      const [key, value] = Object.entries(stage)[0]!
      if (key === '$lookup') {
        const { from, localField, foreignField, as, ...rest } = value as Json
        if (Object.keys(rest).length > 0 || typeof localField !== 'string' || !as) {
          throw new StandinRefusal('stand-in: only the equality form of $lookup is supported')
        }
        this.checkIndexed(String(from), { [String(foreignField)]: 'x' }, {})
      }
      if (key === '$project' || key === '$group') checkExpressions(value)
      if (key === '$limit' && (!Number.isInteger(value) || (value as number) > SERVER_MAX_LIMIT)) {
        throw new StandinRefusal(`stand-in: $limit must be an integer ≤ ${SERVER_MAX_LIMIT}`)
      }
    }
    // How many documents an aggregate returns without a limit is not documented consistently;
    // the adapter always states it, and the stand-in holds it to that.
    if (!keys.includes('$limit') && keys[keys.length - 1] !== '$count') {
      throw new StandinRefusal('stand-in: an aggregate must end in $count or carry a $limit')
    }
  }
}

function invalid(message: string) {
  return { code: 'INVALID_PARAM', message: `stand-in: ${message}` }
}

/** Top-level constrained fields of a query (through `$and`), and whether by equality. */
function conjuncts(query: Json): Map<string, 'equality' | 'range'> {
  const found = new Map<string, 'equality' | 'range'>()
  const walk = (clause: Json) => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const part of condition as Json[]) walk(part)
      } else if (!field.startsWith('$')) {
        const ops =
          typeof condition === 'object' && condition !== null ? Object.keys(condition) : []
        const equality = ops.length === 0 || ops.every((op) => op === '$eq' || op === '$in')
        if (found.get(field) !== 'equality') found.set(field, equality ? 'equality' : 'range')
      }
    }
  }
  walk(query)
  return found
}

function checkExpressions(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(checkExpressions)
  if (typeof value !== 'object' || value === null) return
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') && !EXPRESSIONS.has(key)) {
      throw new StandinRefusal(`stand-in: expression ${key}`)
    }
    checkExpressions(inner)
  }
}

export function createCloudDbStandin(options?: StandinOptions): CloudDbStandin {
  return new CloudDbStandin(options)
}
