import { Text, View } from '@tarojs/components'
import { memo } from 'react'

import type { RankingRow } from '../../shared/contract'
import { fitName, ROW_NAME_UNITS } from '../core/name-fit'
import { displayName } from '../core/ranking-view'
import { Avatar } from './avatar'

/** The member's own place in the list (a row or a podium place). */
export const MY_ROW_ID = 'my-rank-row'

interface RankingRowViewProps {
  row: RankingRow
  pinned?: boolean
}

/** Memoised so that loading the next page sends only the new rows to the view layer. */
export const RankingRowView = memo(function RankingRowView({ row, pinned }: RankingRowViewProps) {
  // DingTalk lists the whole roster: members without a score are shown, unranked, as 未参与.
  const idle = row.played === false
  const classes = [
    'ranking-row',
    idle ? 'ranking-row--idle' : '',
    row.isMe ? 'ranking-row--me' : '',
    pinned ? 'ranking-row--pinned' : '',
  ]
  return (
    <View
      className={classes.filter(Boolean).join(' ')}
      data-member={row.memberKey}
      // The list's own row is what the bottom bar scrolls to.
      id={row.isMe && !pinned ? MY_ROW_ID : undefined}
    >
      <Text className="ranking-row__rank">{idle ? '–' : row.rank}</Text>
      <Avatar url={row.avatarUrl} size="small" />
      <Text className="ranking-row__name">{fitName(displayName(row), ROW_NAME_UNITS)}</Text>
      <Text className="ranking-row__score">{idle ? '未参与' : row.score}</Text>
    </View>
  )
})
