/**
 * Sharing in the H5 build: the simulator is the WeChat client, so both ways of sharing end in a
 * message to it, and it posts the card into the chat the member picks.
 * - `<Button openType="share">` (rendered as `taro-button-core[open-type="share"]`), and
 * - the capsule menu's "转发" (the simulator asks with `wechat:request-share`).
 * The payload is what the page's own share handler answers (`useShareAppMessage`, which returns
 * `selectSharePayload(state)`), the handler the phone calls; a page without one cannot share.
 */
import Taro from '@tarojs/taro'

import { HOST_MESSAGE } from '../../local/host-protocol'
import type { SharePayload } from '../core/share-payload'
import { onHostMessage, postToHost } from './host-bridge.h5'

type ShareHandler = (options: {
  from: 'button' | 'menu'
  target?: { id: string; dataset: Record<string, string | undefined> }
}) => unknown

let withShareTicket = false
let bridgeInstalled = false

function isSharePayload(value: unknown): value is SharePayload {
  if (typeof value !== 'object' || value === null) return false
  const payload = value as Partial<SharePayload>
  return typeof payload.title === 'string' && typeof payload.path === 'string'
}

function share(from: 'button' | 'menu', button?: HTMLElement): void {
  const page = Taro.getCurrentInstance().page as { onShareAppMessage?: ShareHandler } | undefined
  const answer =
    typeof page?.onShareAppMessage === 'function'
      ? page.onShareAppMessage({
          from,
          target: button ? { id: button.id, dataset: { ...button.dataset } } : undefined,
        })
      : null
  postToHost({
    type: HOST_MESSAGE.share,
    payload: isSharePayload(answer) ? { title: answer.title, path: answer.path } : null,
    withShareTicket,
  })
}

function installBridge(): void {
  if (bridgeInstalled) return
  bridgeInstalled = true
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target as Element | null
      const button = target?.closest?.('taro-button-core[open-type="share"]')
      if (button) share('button', button as HTMLElement)
    },
    true,
  )
  onHostMessage((data) => {
    if (data.type === HOST_MESSAGE.requestShare) share('menu')
  })
}

/**
 * Same contract as on the phone: call it in onLoad/onShow. The simulator remembers the setting,
 * so a card shared afterwards carries a shareTicket (scene 1044) instead of opening as 1008.
 */
export function enableShareWithTicket(): void {
  installBridge()
  withShareTicket = true
  postToHost({ type: HOST_MESSAGE.shareMenu, withShareTicket: true })
}
