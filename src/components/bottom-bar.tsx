import { Button, View } from '@tarojs/components'
import Taro from '@tarojs/taro'

import type { RankingRow } from '../../shared/contract'
import { RankingRowView } from './ranking-row'

interface BottomBarProps {
  /** The member's own row, shown while it is not on screen; null hides it. */
  myRow: RankingRow | null
  onMyRowTap: () => void
}

/**
 * Fixed above the safe area (`env(safe-area-inset-bottom)`, see app.css): where the member stands
 * and the two things to do next, wherever the list is scrolled.
 */
export function BottomBar({ myRow, onMyRowTap }: BottomBarProps) {
  return (
    <View className="bottom-bar" id="bottom-bar">
      <View className="bottom-bar__me-slot">
        {myRow && (
          <View className="bottom-bar__me" id="my-row" onClick={onMyRowTap}>
            <RankingRowView row={myRow} pinned />
          </View>
        )}
      </View>
      <View className="bottom-bar__actions">
        <Button
          className="btn btn--primary bottom-bar__action"
          id="play"
          onClick={() => void Taro.navigateTo({ url: '/pages/play/index' })}
        >
          开始挑战
        </Button>
        <Button className="btn btn--secondary bottom-bar__action" id="share" openType="share">
          分享到群
        </Button>
      </View>
    </View>
  )
}
