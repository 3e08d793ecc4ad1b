import { Text, View } from '@tarojs/components'
import { useShallow } from 'zustand/react/shallow'

import { NICKNAME_FALLBACK } from '../core/ranking-view'
import { appStore, useAppStore } from '../store'

/** The "上周" view: last week's podium of this group and my rank then, behind a toggle. */
export function LastWeekView() {
  const view = useAppStore(
    useShallow((state) => ({
      status: state.lastWeekStatus,
      lastWeek: state.lastWeek,
      error: state.lastWeekError,
      groupId: state.currentGroupId,
    })),
  )
  if (view.groupId === null) return <View className="last-week" />
  // A view loaded for another group (the member switched groups) is not this group's.
  const week = view.lastWeek?.groupId === view.groupId ? view.lastWeek : null
  const open = view.status === 'loading' || view.status === 'error' || week !== null
  return (
    <View className="last-week">
      <Text
        className="link last-week__toggle"
        id="last-week-toggle"
        onClick={() =>
          open ? appStore.getState().hideLastWeek() : void appStore.getState().showLastWeek()
        }
      >
        {open ? '收起上周' : '上周'}
      </Text>
      {view.status === 'loading' && <Text className="muted">正在加载上周排名…</Text>}
      {view.status === 'error' && <Text className="muted">{view.error}</Text>}
      {week && (
        <View className="last-week__panel" id="last-week">
          <Text className="last-week__title">上周（{week.weekStart} 起）</Text>
          {week.podium.length === 0 && <Text className="muted">上周没有人上榜</Text>}
          {week.podium.map((row) => (
            <View className="last-week__row" key={row.memberKey}>
              <Text>
                第 {row.rank} 名 {row.nickname ?? NICKNAME_FALLBACK} {row.score}
              </Text>
            </View>
          ))}
          <Text className="last-week__me" id="last-week-me">
            {week.me ? `我上周排第 ${week.me.rank} 名（${week.me.score} 分）` : '我上周没有成绩'}
          </Text>
        </View>
      )}
    </View>
  )
}
