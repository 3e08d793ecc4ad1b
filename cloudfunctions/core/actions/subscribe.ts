import { NOTICE_KINDS, type NoticeKind } from '../../../shared/contract'
import type { Action } from '../deps'
import { limitCall } from '../rate-limit'
import { invalid } from '../validation'

/**
 * Records one send credit per accepted template. The client reports what the platform answered;
 * a forged `accept` gains nothing, because WeChat itself refuses a send without a real
 * acceptance (43101) and the sender then clears the credit.
 */
export const subscribe: Action<'subscribe'> = async ({ results }, caller, deps) => {
  const templates = deps.noticeTemplates
  const byTemplate = new Map<string, NoticeKind>()
  for (const kind of NOTICE_KINDS) {
    const id = templates?.[kind]
    if (id) byTemplate.set(id, kind)
  }
  if (byTemplate.size === 0) throw invalid('No subscribe messages are configured on the server.')
  const accepted: NoticeKind[] = []
  for (const [id, result] of Object.entries(results)) {
    const kind = byTemplate.get(id)
    if (kind === undefined) throw invalid(`${id.slice(0, 64)} is not a configured template id.`)
    if (result === 'accept') accepted.push(kind)
  }
  const now = deps.clock.now()
  ;(await limitCall(deps, caller.openid, 'subscribe', now))()
  return { credits: await deps.store.addCredits(caller.openid, accepted, now) }
}
