// Seam: the DingTalk client rules — the cool-app entry claim (src/platform/dingtalk-claim.ts), the podium split and the 未参与 row in jsdom.
import { render, screen } from '@testing-library/react'

import type { RankingRow } from '../../shared/contract'
import { RankingRowView } from '../../src/components/ranking-row'
import { splitPodium } from '../../src/core/ranking-view'
import { claimFromQuery, decodeClaim, encodeClaim } from '../../src/platform/dingtalk-claim'

function row(memberKey: string, rank: number, score: number, played?: boolean): RankingRow {
  return { rank, memberKey, nickname: memberKey, avatarUrl: null, score, isMe: false, played }
}

describe('cool-app entry claim', () => {
  test('the entry query ($CORPID$, $ENCCID$ filled) becomes a ticket and back', () => {
    const claim = claimFromQuery({ corpId: 'dingcorp', cid: 'cid+/a==' })
    expect(claim).toEqual({ corpId: 'dingcorp', openConversationId: 'cid+/a==' })
    expect(decodeClaim(encodeClaim(claim!))).toEqual(claim)
    expect(claimFromQuery({ corpId: 'dingcorp', chatId: 'chat1' })).toEqual({
      corpId: 'dingcorp',
      chatId: 'chat1',
    })
  })

  test('no corp or no group means no claim; foreign tickets do not decode', () => {
    expect(claimFromQuery({ cid: 'cid' })).toBeNull()
    expect(claimFromQuery({ corpId: 'dingcorp' })).toBeNull()
    expect(decodeClaim('a-wechat-share-ticket')).toBeNull()
    expect(decodeClaim('dingtalk:{"corpId":1}')).toBeNull()
    expect(decodeClaim('dingtalk:not json')).toBeNull()
  })
})

describe('roster rows', () => {
  test('members without a score never stand on the podium', () => {
    const rows = [row('a', 1, 9), row('b', 2, 0, false), row('c', 2, 0, false)]
    const { podium, rest } = splitPodium(rows)
    expect(podium.map((r) => r.memberKey)).toEqual(['a'])
    expect(rest.map((r) => r.memberKey)).toEqual(['b', 'c'])
    expect(
      splitPodium([row('a', 1, 9), row('b', 2, 8), row('c', 3, 7), row('d', 4, 6)]).podium,
    ).toHaveLength(3)
  })

  test('a member without a score shows 未参与 and no rank', () => {
    const { container } = render(<RankingRowView row={row('idle', 6, 0, false)} />)
    expect(screen.getByText('未参与')).toBeTruthy()
    expect(container.querySelector('.ranking-row__rank')?.textContent).toBe('–')
    expect(container.querySelector('.ranking-row--idle')).not.toBeNull()
  })
})
