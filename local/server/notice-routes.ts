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
import { weekStart } from '../../cloudfunctions/core/weekly-close'
import type { SubscribeChoice } from '../wechat/stand-in'
import type { ApiContext, Route, RouteHandler } from './api-context'
import { HttpError, readJsonObject, stringField } from './http-util'
import type { SimOpenResult } from './simulator/api-types'

const DAY = 24 * 3_600_000
const CHOICES: SubscribeChoice[] = ['accept', 'reject', 'always-accept', 'always-reject']

/** Where "到下周一" lands: next Monday 00:05 Asia/Shanghai, when the weekly close runs. */
export function nextMondayClose(now: number): number {
  return weekStart(now) + 7 * DAY + 5 * 60_000
}

export function noticeRoutes(api: ApiContext): Route[] {
  const { standIn, appid } = api

  const requestSubscribeMessage: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    const body = await readJsonObject(request)
    const ids = body.tmplIds
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id.length <= 128)) {
      throw new HttpError(400, 'BAD_REQUEST', 'tmplIds must be a list of template ids')
    }
    const answer = standIn.requestSubscribeMessage(appid, openid, ids as string[])
    api.changed()
    await api.reply(
      response,
      200,
      'errCode' in answer ? answer : { ...answer, errMsg: 'requestSubscribeMessage:ok' },
    )
  }

  const getSetting: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    await readJsonObject(request)
    const subscriptionsSetting = standIn.getSubscriptionSetting(appid, openid)
    await api.reply(response, 200, { authSetting: {}, subscriptionsSetting })
  }

  const openSetting: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    await readJsonObject(request)
    const subscriptionsSetting = standIn.openSetting(appid, openid)
    await api.reply(response, 200, { authSetting: {}, subscriptionsSetting })
  }

  const notices: RouteHandler = async (request, response) => {
    const as = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('as')
    const list = as ? standIn.listServiceNotices(appid, api.requireMember(as)) : []
    await api.reply(response, 200, { now: api.clock.now(), notices: list })
  }

  const openNotice: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const as = api.requireMember(stringField(body, 'as'))
    const launch = standIn.openServiceNotice(stringField(body, 'noticeId'), as)
    const result: SimOpenResult = {
      launch: { scene: launch.scene, path: launch.path, query: launch.query },
      session: api.sessionFor(as),
    }
    await api.reply(response, 200, result)
  }

  const moveClock: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const now = api.clock.now()
    if (body.move === 'day') await api.clock.advance(DAY)
    else if (body.move === 'next-monday') await api.clock.advance(nextMondayClose(now) - now)
    else throw new HttpError(400, 'BAD_REQUEST', "move must be 'day' or 'next-monday'")
    api.changed()
    await api.reply(response, 200, { now: api.clock.now() })
  }

  const subscribeChoice: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const as = api.requireMember(stringField(body, 'as'))
    const choice = stringField(body, 'choice') as SubscribeChoice
    if (!CHOICES.includes(choice)) {
      throw new HttpError(400, 'BAD_REQUEST', `choice must be one of ${CHOICES.join(', ')}`)
    }
    standIn.setSubscribeChoice(appid, as, choice)
    await api.reply(response, 200, { choice })
  }

  return [
    {
      method: 'POST',
      path: '/api/wechat/requestSubscribeMessage',
      handler: requestSubscribeMessage,
    },
    { method: 'POST', path: '/api/wechat/getSetting', handler: getSetting },
    { method: 'POST', path: '/api/wechat/openSetting', handler: openSetting },
    { method: 'GET', path: '/api/sim/notices', handler: notices },
    { method: 'POST', path: '/api/sim/open-notice', handler: openNotice },
    { method: 'POST', path: '/api/sim/clock', handler: moveClock },
    { method: 'POST', path: '/api/sim/subscribe-choice', handler: subscribeChoice },
  ]
}
