/**
 * `createDingTalkMain(deps)`: the DingTalk HTTP entry's `main`, without side effects on import
 * (the deployed entry, `index.ts`, initialises the SDK). CloudBase's HTTP access service maps an HTTPS
 * request to this function's `event` (`path`, `httpMethod`, `headers`, `body`, `isBase64Encoded`)
 * and returns `{ statusCode, headers, body }` as the HTTP response
 * (https://docs.cloudbase.net/service/access-cloud-function). It runs in the same CloudBase
 * environment as `leaderboard`, so both use one database through the same store adapter.
 * Locally, `npm start` and the tests call `createDingTalkMain` with SQLite and the stand-in.
 */
import { type DingTalkDeps, type DingTalkRequest, handleDingTalk } from '../core/dingtalk-gateway'
import { lazyDeps } from '../entry/lazy-deps'

export interface HttpAccessEvent {
  path?: unknown
  httpMethod?: unknown
  headers?: unknown
  body?: unknown
  isBase64Encoded?: unknown
}

export interface HttpAccessResult {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded: false
}

const ROUTES = ['/login', '/leaderboard', '/group'] as const

/** The trigger path is configurable (e.g. `/dingtalk`): route by the path's last segment. */
function routeOf(path: string): string {
  return ROUTES.find((route) => path === route || path.endsWith(route)) ?? path
}

function header(headers: unknown, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value
  }
  return null
}

/** Reads the HTTP access event; a body that is not JSON reaches the gateway as `undefined`. */
function toDingTalkRequest(event: HttpAccessEvent): DingTalkRequest {
  let body: unknown
  if (typeof event.body === 'string' && event.body !== '') {
    const text =
      event.isBase64Encoded === true
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
  } else if (typeof event.body === 'object' && event.body !== null) {
    body = event.body
  }
  return {
    method: typeof event.httpMethod === 'string' ? event.httpMethod.toUpperCase() : 'GET',
    path: routeOf(typeof event.path === 'string' ? event.path : '/'),
    authorization: header(event.headers, 'authorization'),
    body,
  }
}

export type DingTalkMain = (event: HttpAccessEvent) => Promise<HttpAccessResult>

export function createDingTalkMain(deps: DingTalkDeps | (() => DingTalkDeps)): DingTalkMain {
  const resolve = lazyDeps(deps, 'dingtalk')
  return async function main(event) {
    const respond = (statusCode: number, body: unknown): HttpAccessResult => ({
      statusCode,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify(body),
      isBase64Encoded: false,
    })
    const resolved = resolve()
    if (resolved === null) {
      return respond(200, {
        ok: false,
        error: { code: 'INTERNAL', message: 'The server is not configured.' },
      })
    }
    const answer = await handleDingTalk(toDingTalkRequest(event ?? {}), resolved)
    return respond(answer.status, answer.body)
  }
}
