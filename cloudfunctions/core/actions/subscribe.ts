import {
  type ActionOutput,
  NOTICE_KINDS,
  type NoticeKind,
  SUBSCRIBE_RESULTS,
  type SubscribeResult,
} from '../../../shared/contract'
import type { Action } from '../deps'
import { limitCall } from '../rate-limit'
import { invalid, ownField, requireObject } from '../validation'

/** `wx.requestSubscribeMessage` takes at most three template ids a call. */
const MAX_TEMPLATES_PER_CALL = 3

function isSubscribeResult(value: unknown): value is SubscribeResult {
  return typeof value === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(value)
}

/**
 * Records one send credit per accepted template. The client reports what the platform answered;
 * a forged `accept` gains nothing, because WeChat itself refuses a send without a real
 * acceptance (43101) and the sender then clears the credit.
 */
export const subscribe: Action<ActionOutput<'subscribe'>> = async (input, caller, deps) => {
  const templates = deps.noticeTemplates
  const byTemplate = new Map<string, NoticeKind>()
  for (const kind of NOTICE_KINDS) {
    const id = templates?.[kind]
    if (id) byTemplate.set(id, kind)
  }
  if (byTemplate.size === 0) throw invalid('No subscribe messages are configured on the server.')
  const results = requireObject(ownField(input, 'results'), 'results')
  const ids = Object.keys(results)
  if (ids.length === 0 || ids.length > MAX_TEMPLATES_PER_CALL) {
    throw invalid(`results must name 1 to ${MAX_TEMPLATES_PER_CALL} template ids.`)
  }
  const accepted: NoticeKind[] = []
  for (const id of ids) {
    const kind = byTemplate.get(id)
    const result = ownField(results, id)
    if (kind === undefined) throw invalid(`${id.slice(0, 64)} is not a configured template id.`)
    if (!isSubscribeResult(result)) {
      throw invalid(`results values must be one of ${SUBSCRIBE_RESULTS.join(', ')}.`)
    }
    if (result === 'accept') accepted.push(kind)
  }
  const now = deps.clock.now()
  ;(await limitCall(deps, caller.openid, 'subscribe', now))()
  return { credits: await deps.store.addCredits(caller.openid, accepted, now) }
}
