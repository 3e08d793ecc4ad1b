// Seam: the compiled weapp (dist/weapp) opened from a subscribe message (服务通知, scene 1014) on the notice's page.
import type { RankingPage } from '../../shared/contract'
import { SCENE } from '../../shared/wechat-facts'
import { scriptCloud } from './support/scripted-cloud'
import { bootWeapp, waitFor } from './support/weapp-harness'
import { createWxStub } from './support/wx-stub'

/**
 * Scene 1014 is "小程序订阅消息（与1107相同）" in the official scene list
 * (https://developers.weixin.qq.com/miniprogram/dev/reference/scene-list.html); the stand-in
 * opens notices with it.
 */

const ranking: RankingPage = {
  groupId: 'G-notice',
  period: 'all',
  rows: [
    { rank: 1, memberKey: 'b', nickname: '小明', avatarUrl: null, score: 88, isMe: false },
    { rank: 2, memberKey: 'me', nickname: '我', avatarUrl: null, score: 60, isMe: true },
  ],
  me: { rank: 2, memberKey: 'me', nickname: '我', avatarUrl: null, score: 60, isMe: true },
  memberCount: 2,
  scoredCount: 2,
  nextCursor: null,
}

const stub = createWxStub()
const cloudCalls = scriptCloud(stub, (data) => {
  const result =
    data.action === 'getRanking' && data.groupId === 'G-notice'
      ? { ok: true, data: ranking }
      : { ok: false, error: { code: 'NOT_GROUP_MEMBER', message: 'no' } }
  return result
})

test("a notice opens that group's ranking without a card or a ticket", async () => {
  const query = { groupId: 'G-notice', from: 'notice' }
  const weapp = bootWeapp(stub, {
    scene: SCENE.subscribeMessage,
    path: 'pages/ranking/index',
    query,
  })
  const page = weapp.renderPage('pages/ranking/index', query)

  await waitFor(() => expect(page.text()).toContain('小明'))
  expect(cloudCalls[0]).toMatchObject({ action: 'getRanking', groupId: 'G-notice' })
  expect(cloudCalls.some((c) => c.action === 'enterGroup')).toBe(false)
  expect(stub.callsTo('getGroupEnterInfo')).toHaveLength(0)
})
