/**
 * The local server's routes for subscribe messages and the movable clock (issue 15):
 *
 * Phone APIs (the H5 app, `Authorization: Bearer <session>`):
 *   POST /api/wechat/requestSubscribeMessage  { tmplIds } → per-template accept/reject
 *   POST /api/wechat/getSetting               → { subscriptionsSetting }
 *   POST /api/wechat/openSetting              → { subscriptionsSetting } after the settings page
 * Simulator APIs:
 *   GET  /api/sim/notices?as=<openid>          → { now, notices }: the clock and 服务通知
 *   POST /api/sim/open-notice                  { noticeId, as } → launch options (scene 1014)
 *   POST /api/sim/clock                        { move: 'day' | 'next-monday' } → { now }
 *   POST /api/sim/subscribe-choice             { as, choice }: what the member's panel answers
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

import { weekStart } from '../../cloudfunctions/core/weekly-close'
import type { SubscribeChoice, WeChatStandIn } from '../wechat/stand-in'
import { HttpError, readJsonObject, stringField } from './http-util'
import type { SimOpenResult } from './simulator/api-types'

const DAY = 24 * 3_600_000
const CHOICES: SubscribeChoice[] = ['accept', 'reject', 'always-accept', 'always-reject']

export interface NoticeRouteContext {
  standIn: WeChatStandIn
  appid: string
  caller(request: IncomingMessage): string
  requireMember(openid: string): string
  sessionFor(openid: string): string
  reply(response: ServerResponse, status: number, body: unknown): Promise<void>
  changed(): void
  clock: MovableClock
}

/** The local server's clock: the real one plus an offset a developer moves forward. */
export interface MovableClock {
  now(): number
  /** Moves forward by `ms`, then lets timer triggers that came due run. */
  advance(ms: number): Promise<void>
}

/** Where "到下周一" lands: next Monday 00:05 Asia/Shanghai, when the weekly close runs. */
export function nextMondayClose(now: number): number {
  return weekStart(now) + 7 * DAY + 5 * 60_000
}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>

export function createNoticeRoutes(context: NoticeRouteContext): Record<string, Handler> {
  const { standIn, appid, caller, reply } = context
  return {
    'POST /api/wechat/requestSubscribeMessage': async (request, response) => {
      const openid = caller(request)
      const body = await readJsonObject(request)
      const ids = body.tmplIds
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.length <= 128)) {
        throw new HttpError(400, 'BAD_REQUEST', 'tmplIds must be a list of template ids')
      }
      const answer = standIn.requestSubscribeMessage(appid, openid, ids as string[])
      context.changed()
      await reply(
        response,
        200,
        'errCode' in answer ? answer : { ...answer, errMsg: 'requestSubscribeMessage:ok' },
      )
    },

    'POST /api/wechat/getSetting': async (request, response) => {
      const openid = caller(request)
      await readJsonObject(request)
      const subscriptionsSetting = standIn.getSubscriptionSetting(appid, openid)
      await reply(response, 200, { authSetting: {}, subscriptionsSetting })
    },

    'POST /api/wechat/openSetting': async (request, response) => {
      const openid = caller(request)
      await readJsonObject(request)
      const subscriptionsSetting = standIn.openSetting(appid, openid)
      await reply(response, 200, { authSetting: {}, subscriptionsSetting })
    },

    'GET /api/sim/notices': async (request, response) => {
      const as = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('as')
      const notices = as ? standIn.listServiceNotices(appid, context.requireMember(as)) : []
      await reply(response, 200, { now: context.clock.now(), notices })
    },

    'POST /api/sim/open-notice': async (request, response) => {
      const body = await readJsonObject(request)
      const as = context.requireMember(stringField(body, 'as'))
      const launch = standIn.openServiceNotice(stringField(body, 'noticeId'), as)
      const result: SimOpenResult = {
        launch: { scene: launch.scene, path: launch.path, query: launch.query },
        session: context.sessionFor(as),
      }
      await reply(response, 200, result)
    },

    'POST /api/sim/clock': async (request, response) => {
      const body = await readJsonObject(request)
      const now = context.clock.now()
      if (body.move === 'day') await context.clock.advance(DAY)
      else if (body.move === 'next-monday') await context.clock.advance(nextMondayClose(now) - now)
      else throw new HttpError(400, 'BAD_REQUEST', "move must be 'day' or 'next-monday'")
      context.changed()
      await reply(response, 200, { now: context.clock.now() })
    },

    'POST /api/sim/subscribe-choice': async (request, response) => {
      const body = await readJsonObject(request)
      const as = context.requireMember(stringField(body, 'as'))
      const choice = stringField(body, 'choice') as SubscribeChoice
      if (!CHOICES.includes(choice)) {
        throw new HttpError(400, 'BAD_REQUEST', `choice must be one of ${CHOICES.join(', ')}`)
      }
      standIn.setSubscribeChoice(appid, as, choice)
      await reply(response, 200, { choice })
    },
  }
}
