/**
 * The phone's API (the H5 app; `Authorization: Bearer <session>` names the signed-in member):
 *
 *   POST /api/cloud/:name              wx.cloud.callFunction through the local function runtime
 *   POST /api/wechat/login             wx.login
 *   POST /api/wechat/getGroupEnterInfo wx.getGroupEnterInfo
 *   POST /api/wechat/getShareInfo      wx.getShareInfo
 *   POST /api/wechat/groupName         what <open-data type="groupName"> shows (members only)
 *   POST /api/files                    avatar upload (image bytes as the body) → { url }
 */
import { CallFunctionError } from '../wechat/function-runtime'
import { StandInError } from '../wechat/stand-in'
import type { ApiContext, Route, RouteHandler } from './api-context'
import { MAX_UPLOAD_BYTES } from './file-storage'
import { optionalStringField, readBody, readJsonObject, stringField } from './http-util'

/** A function name as `wx.cloud.callFunction` takes it; anything else is no route (404). */
const CLOUD_FUNCTION_PATH = '/api/cloud/:name(^[A-Za-z0-9_-]{1,64}$)'

export function phoneRoutes(api: ApiContext): Route[] {
  const { standIn, appid } = api

  const callFunction: RouteHandler = async (request, response, params) => {
    const openid = api.caller(request)
    const data = await readJsonObject(request)
    try {
      const answer = await api.backend.runtime.callFunction({
        appid,
        openid,
        name: params.name ?? '',
        data,
        clientIp: request.socket.remoteAddress ?? '127.0.0.1',
      })
      await api.reply(response, 200, { result: answer.result, requestID: answer.requestID })
    } catch (error) {
      if (!(error instanceof CallFunctionError)) throw error
      // How wx.cloud.callFunction fails: the SDK's errCode and errMsg, no result.
      await api.reply(response, 502, { errCode: error.errCode, errMsg: error.errMsg })
    }
  }

  const login: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    await readJsonObject(request)
    await api.reply(response, 200, standIn.login(appid, openid))
  }

  const getGroupEnterInfo: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    const body = await readJsonObject(request)
    const answer = standIn.getGroupEnterInfo(
      appid,
      openid,
      optionalStringField(body, 'shareTicket'),
      {
        allowSingleChat: body.allowSingleChat === true,
        needGroupOpenID: body.needGroupOpenID === true,
      },
    )
    await api.reply(response, 200, answer)
  }

  const getShareInfo: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    const body = await readJsonObject(request)
    const answer = standIn.getShareInfo(appid, openid, optionalStringField(body, 'shareTicket'))
    await api.reply(response, 200, answer)
  }

  const groupName: RouteHandler = async (request, response) => {
    const openid = api.caller(request)
    const body = await readJsonObject(request)
    const opengid = stringField(body, 'opengid', 128)
    // Like <open-data type="groupName">: the name shows only for this app's opengid, and only
    // to members of the group.
    let name: string | null = null
    let visible = false
    try {
      const group = standIn.getGroup(opengid, appid)
      visible = group.opengid === opengid && group.memberOpenids.includes(openid)
      name = group.name
    } catch (error) {
      if (!(error instanceof StandInError)) throw error
    }
    if (!visible) {
      await api.reply(response, 403, {
        error: 'NOT_A_MEMBER',
        message: 'not a member of this group',
      })
      return
    }
    await api.reply(response, 200, { name })
  }

  const upload: RouteHandler = async (request, response) => {
    api.caller(request)
    const bytes = await readBody(request, MAX_UPLOAD_BYTES)
    const stored = api.files.storeImage(request.headers['content-type'], bytes)
    if (!stored.ok) {
      await api.reply(response, stored.status, { error: 'BAD_FILE', message: stored.message })
      return
    }
    await api.reply(response, 201, { url: stored.url, fileID: stored.url })
  }

  return [
    { method: 'POST', path: CLOUD_FUNCTION_PATH, handler: callFunction },
    { method: 'POST', path: '/api/wechat/login', handler: login },
    { method: 'POST', path: '/api/wechat/getGroupEnterInfo', handler: getGroupEnterInfo },
    { method: 'POST', path: '/api/wechat/getShareInfo', handler: getShareInfo },
    { method: 'POST', path: '/api/wechat/groupName', handler: groupName },
    { method: 'POST', path: '/api/files', handler: upload },
  ]
}
