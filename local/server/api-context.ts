/**
 * What every route module of the local server's API gets: the server's parts (`RouteContext`)
 * and the guards and answers they share (`ApiContext`): who the caller is, which member a request
 * names, and the durable reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

import type { LocalBackend } from '../wechat/local-backend'
import { StandInError, type WeChatStandIn } from '../wechat/stand-in'
import type { FileStorage } from './file-storage'
import { HttpError, sendJson } from './http-util'
import type { SeedResult } from './seed'

export interface RouteContext {
  standIn: WeChatStandIn
  appid: string
  backend: LocalBackend
  files: FileStorage
  sessions: PhoneSessions
  /** Resolves once everything committed so far is on disk (state-db.ts `WalSync`). */
  durable(): Promise<void>
  seed(): Promise<SeedResult>
  /** The server's movable clock (subscribe messages and the weekly close, issue 15). */
  clock: MovableClock
}

/**
 * Phone sessions, like real ones: a token expires `PHONE_SESSION_TTL_MS` after it was issued,
 * and the next launch of the app (a card tap, the recent list) then signs the member in with a
 * fresh token that replaces the expired one. `rotate` returns once the token is stored.
 */
export interface PhoneSessions {
  /** The member a live token signs in; undefined for an unknown, replaced or expired one. */
  openidOf(token: string): string | undefined
  /** The member's live token, or a fresh one replacing an expired one. */
  rotate(openid: string): string
}

/** The local server's clock: the real one plus an offset a developer moves forward. */
export interface MovableClock {
  now(): number
  /** Moves forward by `ms`, then lets timer triggers that came due run. */
  advance(ms: number): Promise<void>
}

/** A path's parameters as the router matched them (`/api/cloud/:name` → `{ name }`). */
export type RouteParams = Record<string, string | undefined>

export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  params: RouteParams,
) => Promise<void>

/** The methods a route answers; the DingTalk entry takes every one, like its HTTP trigger. */
export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS'

export interface Route {
  method: RouteMethod | readonly RouteMethod[]
  /** find-my-way's syntax: `/api/cloud/:name(^[A-Za-z0-9_-]{1,64}$)`. */
  path: string
  handler: RouteHandler
}

export interface ApiContext extends RouteContext {
  /** An answer to a POST is sent only once what the request wrote is on disk. */
  reply(response: ServerResponse, status: number, body: unknown): Promise<void>
  /** Tells the simulator page to re-render (the change itself is stored already). */
  changed(): void
  /** The simulator state's version, bumped by `changed`. */
  version(): number
  /** The member the request's phone session signs in; 401 without a live one. */
  caller(request: IncomingMessage): string
  /** `openid` when it is a member of this app; 404 otherwise. */
  requireMember(openid: string): string
  /** The member's session; kept across restarts so an open phone stays signed in. */
  sessionFor(openid: string): string
}

export function createApiContext(context: RouteContext): ApiContext {
  const { standIn, appid, sessions } = context
  let version = 1

  const requireMember = (openid: string): string => {
    try {
      return standIn.getUser(appid, openid).openid
    } catch (error) {
      if (error instanceof StandInError) {
        throw new HttpError(404, 'UNKNOWN_MEMBER', `no member ${openid}`)
      }
      throw error
    }
  }

  return {
    ...context,
    async reply(response, status, body) {
      await context.durable()
      sendJson(response, status, body)
    },
    // Every stand-in change is already stored when its call returns (see state-db.ts); this only
    // tells the simulator page to re-render.
    changed() {
      version += 1
    },
    version: () => version,
    requireMember,
    sessionFor: (openid) => sessions.rotate(openid),
    caller(request) {
      const header = request.headers.authorization ?? ''
      const match = /^Bearer ([A-Za-z0-9_-]{8,64})$/.exec(header)
      const openid = match ? sessions.openidOf(match[1]!) : undefined
      if (!openid) {
        throw new HttpError(
          401,
          'NO_SESSION',
          'no live phone session (unknown, replaced or expired): open the app from the simulator',
        )
      }
      return requireMember(openid)
    },
  }
}
