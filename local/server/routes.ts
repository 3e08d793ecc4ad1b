/**
 * The local server's HTTP API: find-my-way (a radix-tree router for plain node:http) dispatches
 * each `/api/…` request to one named handler of a route module:
 *
 *   phone-routes.ts      the H5 app: the cloud function, wx.login and the group APIs, uploads
 *   simulator-routes.ts  the chat page: members, groups, cards, launches, the demo group
 *   notice-routes.ts     subscribe messages, 服务通知 and the movable clock (issue 15)
 *   local/dingtalk/preview.ts  the DingTalk mode: its HTTP entry and its simulator, passed in
 *
 * A path no route knows answers 404; a known path asked with another method, 405.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

import FindMyWay from 'find-my-way'

import { StandInError } from '../wechat/stand-in'
import { createApiContext, type Route, type RouteContext, type RouteMethod } from './api-context'
import { HttpError, sendJson } from './http-util'
import { noticeRoutes } from './notice-routes'
import { phoneRoutes } from './phone-routes'
import { simulatorRoutes } from './simulator-routes'

export type { PhoneSessions, Route, RouteContext } from './api-context'

/**
 * `more`: routes of another module on the same server (the DingTalk mode's, local/dingtalk),
 * answered by the same rules.
 */
export function createApiRouter(context: RouteContext, more: readonly Route[] = []) {
  const api = createApiContext(context)
  // Exact paths: no trailing-slash or letter-case variants, as before the router.
  const router = FindMyWay({ ignoreTrailingSlash: false, caseSensitive: true })
  const routes = [...phoneRoutes(api), ...simulatorRoutes(api), ...noticeRoutes(api), ...more]
  const methodsOf = (route: Route): readonly RouteMethod[] =>
    typeof route.method === 'string' ? [route.method] : route.method
  for (const route of routes) router.on([...methodsOf(route)], route.path, route.handler)
  const methods = [...new Set(routes.flatMap(methodsOf))]

  return {
    /** Answers an `/api/…` request; `path` is the URL's pathname. */
    async dispatch(request: IncomingMessage, response: ServerResponse, path: string) {
      const method = methods.find((known) => known === request.method)
      const found = method ? router.find(method, path) : null
      if (!found) {
        const known = methods.some((other) => router.find(other, path) !== null)
        sendJson(response, known ? 405 : 404, { error: 'NOT_FOUND', message: path })
        return
      }
      await found.handler(request, response, found.params, found.store, found.searchParams)
    },
  }
}

/** Maps what handlers throw to an HTTP answer. */
export function answerError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  if (error instanceof HttpError) {
    sendJson(response, error.status, { error: error.code, message: error.message })
    return
  }
  if (error instanceof StandInError) {
    const status = error.code.startsWith('UNKNOWN') ? 404 : error.code === 'NOT_IN_CHAT' ? 403 : 400
    sendJson(response, status, { error: error.code, message: error.message })
    return
  }
  console.error('local server: request failed', error)
  sendJson(response, 500, { error: 'INTERNAL', message: 'the local server failed; see its log' })
}
