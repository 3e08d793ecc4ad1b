import { Text, View } from '@tarojs/components'

import type { RankingRow } from '../../shared/contract'
import { fitName, PODIUM_NAME_UNITS } from '../core/name-fit'
import { displayName } from '../core/ranking-view'
import { Avatar } from './avatar'
import { MY_ROW_ID } from './ranking-row'

/** The top three, second–first–third like a real podium. */
export function Podium({ rows }: { rows: RankingRow[] }) {
  const order = [rows[1], rows[0], rows[2]].filter((row): row is RankingRow => row !== undefined)
  return (
    <View className="podium">
      {order.map((row) => (
        <View
          key={row.memberKey}
          className={`podium__place podium__place--${row.rank}${row.isMe ? ' podium__place--me' : ''}`}
          id={row.isMe ? MY_ROW_ID : undefined}
        >
          <Avatar url={row.avatarUrl} size="large" />
          {/* Two lines before the ellipsis: wide names wrap at any character (podium__name). */}
          <Text className="podium__name">{fitName(displayName(row), PODIUM_NAME_UNITS)}</Text>
          <Text className="podium__score">{row.score}</Text>
          <Text className="podium__rank">{row.rank}</Text>
        </View>
      ))}
    </View>
  )
}
