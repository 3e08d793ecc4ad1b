// Seam: compiled weapp (dist/weapp) in miniprogram-simulate — harness smoke test.
import { bootWeapp, waitFor } from './support/weapp-harness'
import { createWxStub } from './support/wx-stub'

test('boots and renders ranking', async () => {
  const stub = createWxStub()
  stub.implement('getGroupEnterInfo', () => ({ cloudID: 'cid-1', encryptedData: 'x', iv: 'y' }))
  stub.cloud.implementation.callFunction = async ({ data }) => {
    return {
      result: {
        ok: true,
        data: {
          joined: true,
          profile: { nickname: null, avatarUrl: null },
          ranking: {
            groupId: 'G1',
            period: 'all',
            memberCount: 2,
            nextCursor: null,
            me: null,
            rows: [
              { rank: 1, memberKey: 'a', nickname: 'Alice', avatarUrl: 'https://x/a.png', score: 42, isMe: false },
              { rank: 2, memberKey: 'b', nickname: null, avatarUrl: null, score: 7, isMe: false },
            ],
          },
        },
        echo: data,
      },
    }
  }
  const weapp = bootWeapp(stub, { scene: 1044, shareTicket: 'T1', path: 'pages/ranking/index' })
  const page = weapp.renderPage('pages/ranking/index')
  await waitFor(() => expect(page.text()).toContain('Alice'))
  console.log(page.text(), page.imageSources(), page.component.dom.innerHTML.slice(0, 1500))
})
