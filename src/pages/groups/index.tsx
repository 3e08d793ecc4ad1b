import './index.css'

import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'

import { GroupName } from '../../components/group-name'
import { appStore, useAppStore } from '../../store'

async function openGroup(groupId: string): Promise<void> {
  await appStore.getState().openGroup(groupId)
  const pages = Taro.getCurrentPages()
  if (pages.length > 1) {
    await Taro.navigateBack()
  } else {
    await Taro.reLaunch({ url: '/pages/ranking/index' })
  }
}

export default function GroupsPage() {
  const { groups, status } = useAppStore(
    useShallow((state) => ({ groups: state.myGroups, status: state.myGroupsStatus })),
  )

  useDidShow(() => void appStore.getState().loadMyGroups())
  usePullDownRefresh(() => {
    void appStore
      .getState()
      .loadMyGroups()
      .finally(() => Taro.stopPullDownRefresh())
  })

  return (
    <View className="groups-page">
      {status === 'loading' && groups.length === 0 && <Text className="muted">加载中…</Text>}
      {status === 'error' && <Text className="groups-page__error">加载失败，下拉重试</Text>}
      {status === 'ready' && groups.length === 0 && (
        <Text className="muted" id="no-groups">
          还没有加入任何群排行榜：在群聊里点开一张卡片就会加入。
        </Text>
      )}
      {groups.map((group) => (
        <View
          key={group.groupId}
          className="group-item"
          data-group={group.groupId}
          onClick={() => void openGroup(group.groupId)}
        >
          <GroupName groupId={group.groupId} />
          <Text className="group-item__rank">
            {group.myRank === null ? '还没有成绩' : `第 ${group.myRank} 名 · ${group.myScore} 分`}
          </Text>
          <Text className="muted">{group.memberCount} 位成员</Text>
          {group.proofExpired && (
            <Text className="group-item__proof" data-proof-expired="true">
              很久没有从群里打开了：请回到群聊点开这个群的卡片
            </Text>
          )}
        </View>
      ))}
    </View>
  )
}
