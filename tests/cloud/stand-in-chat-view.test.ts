// Seam: the WeChat stand-in's chat view (local/wechat/stand-in.ts `chatView`), what the simulator draws.
import type { StandInRecord } from '../../local/wechat/snapshot'
import { createWeChatStandIn } from '../../local/wechat/stand-in'

function world() {
  let now = Date.UTC(2025, 0, 6, 2, 0, 0)
  const written: StandInRecord[][] = []
  const standIn = createWeChatStandIn({ clock: () => now, onChange: (r) => written.push(r) })
  const app = standIn.registerApp().appid
  const other = standIn.registerApp().appid
  const alice = standIn.createUser(app, { label: 'Alice' })
  const bob = standIn.createUser(app, { label: 'Bob' })
  // Carol uses only the other app; Dave is the same person as Bob there.
  const carol = standIn.createUser(other, { label: 'Carol' })
  const dave = standIn.createUser(other, { userId: bob.userId })
  return { standIn, app, other, alice, bob, carol, dave, written, tick: () => (now += 1000) }
}

describe('chatView', () => {
  it("lists the app's members, and only chats with any of them, in that app's openids", () => {
    const w = world()
    const runners = w.standIn.createGroup(w.app, { name: 'Runners', members: [w.alice.openid] })
    w.standIn.addToGroup(runners, w.carol.openid)
    const others = w.standIn.createGroup(w.other, { name: 'Only Carol', members: [w.carol.openid] })

    const view = w.standIn.chatView(w.app)

    expect(view.members).toEqual([
      { openid: w.alice.openid, label: 'Alice' },
      { openid: w.bob.openid, label: 'Bob' },
    ])
    expect(view.chats).toEqual([
      {
        chatId: runners.chatId,
        kind: 'group',
        name: 'Runners',
        members: [w.alice.openid],
        cards: [],
      },
    ])
    expect(w.standIn.chatView(w.other).chats.map((chat) => chat.chatId)).toEqual([
      runners.chatId,
      others.chatId,
    ])
  })

  it("shows the app's cards of each chat, oldest first, and no other app's", () => {
    const w = world()
    const group = w.standIn.createGroup(w.app, {
      name: 'Runners',
      members: [w.alice.openid, w.bob.openid],
    })
    const first = w.standIn.shareCard(
      w.app,
      w.alice.openid,
      { groupChat: group },
      {
        path: 'pages/ranking/index?groupId=g1',
        title: 'Join',
        withShareTicket: true,
      },
    )
    w.tick()
    w.standIn.shareCard(w.other, w.dave.openid, { groupChat: group })
    w.tick()
    const second = w.standIn.shareCard(w.app, w.bob.openid, { singleChatWith: w.alice.openid })

    const view = w.standIn.chatView(w.app)

    expect(view.chats.map((chat) => chat.cards.map((card) => card.cardId))).toEqual([
      [first.cardId],
      [second.cardId],
    ])
    expect(view.chats[0]!.cards[0]).toEqual({
      cardId: first.cardId,
      fromOpenid: w.alice.openid,
      title: 'Join',
      path: 'pages/ranking/index',
      query: { groupId: 'g1' },
      withShareTicket: true,
      sharedAt: first.sharedAt,
    })
    expect(view.chats[1]).toMatchObject({ kind: 'single', name: null })
  })

  it('writes nothing, and hands out copies', () => {
    const w = world()
    const group = w.standIn.createGroup(w.app, { name: 'Runners', members: [w.alice.openid] })
    w.standIn.shareCard(w.app, w.alice.openid, { groupChat: group }, { path: 'p?a=1' })
    const before = w.written.length

    const view = w.standIn.chatView(w.app)
    view.chats[0]!.members.push('intruder')
    view.chats[0]!.cards[0]!.query.a = 'changed'

    expect(w.written).toHaveLength(before)
    expect(w.standIn.chatView(w.app).chats[0]).toMatchObject({
      members: [w.alice.openid],
      cards: [{ query: { a: '1' } }],
    })
  })
})
