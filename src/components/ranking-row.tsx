import { Text, View } from '@tarojs/components'
import { memo } from 'react'

import type { RankingRow } from '../core/contract'
import { displayName } from '../core/ranking-view'
import { Avatar } from './avatar'

interface RankingRowViewProps {
  row: RankingRow
  pinned?: boolean
}

/** Memoised so that loading the next page sends only the new rows to the view layer. */
export const RankingRowView = memo(function RankingRowView({ row, pinned }: RankingRowViewProps) {
  const classes = [
    'ranking-row',
    row.isMe ? 'ranking-row--me' : '',
    pinned ? 'ranking-row--pinned' : '',
  ]
  return (
    <View className={classes.filter(Boolean).join(' ')} data-member={row.memberKey}>
      <Text className="ranking-row__rank">{row.rank}</Text>
      <Avatar url={row.avatarUrl} size="small" />
      <Text className="ranking-row__name">{displayName(row)}</Text>
      <Text className="ranking-row__score">{row.score}</Text>
    </View>
  )
})
