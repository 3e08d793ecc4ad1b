/**
 * The compiled app against a cloud function the test scripts: each `wx.cloud.callFunction` is
 * answered from the test's function, in the contract's envelope, and recorded.
 */
import { bootWeapp, type RenderedPage } from './weapp-harness'
import type { WxStub } from './wx-stub'

/** Answers every cloud call with `answer(data)`; returns each call's data, in order. */
export function scriptCloud(
  stub: WxStub,
  answer: (data: Record<string, unknown>) => unknown,
): Array<Record<string, unknown>> {
  const cloudCalls: Array<Record<string, unknown>> = []
  stub.cloud.implementation.callFunction = ({ data = {} }) => {
    cloudCalls.push(data)
    return { result: answer(data), requestID: `req-${cloudCalls.length}` }
  }
  return cloudCalls
}

/**
 * Boots the app from a group's ticket card (scene 1044) whose group-enter info is a fixed CloudID,
 * and renders the ranking page it opens on.
 */
export function openRankingFromTicketCard(stub: WxStub): RenderedPage {
  stub.implement('getGroupEnterInfo', () => ({
    cloudID: 'cloud-id-1',
    encryptedData: 'e',
    iv: 'i',
  }))
  const weapp = bootWeapp(stub, {
    scene: 1044,
    shareTicket: 'ticket-1',
    path: 'pages/ranking/index',
  })
  return weapp.renderPage('pages/ranking/index')
}
