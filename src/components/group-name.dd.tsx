import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'

import type { DingTalkGroupInfo } from '../../shared/dingtalk-contract'
import { readGroupInfo } from '../platform/services.dd'

/** Groups already shown, so that revisiting a page does not flash an empty title. */
const known = new Map<string, DingTalkGroupInfo | null>()

/**
 * Unlike WeChat, DingTalk lets the app read and show a group's real name and owner (server-side,
 * from `chat/get` or the scene-group API); the server answers members only.
 */
export function GroupName({ groupId }: { groupId: string }) {
  const [info, setInfo] = useState<DingTalkGroupInfo | null>(known.get(groupId) ?? null)

  useEffect(() => {
    let current = true
    void readGroupInfo(groupId).then((answer) => {
      known.set(groupId, answer)
      if (current) setInfo(answer)
    })
    return () => {
      current = false
    }
  }, [groupId])

  return (
    <View className="group-name" id="group-name">
      <Text className="group-name__name">{info?.name ?? ''}</Text>
      <Text className="group-name__suffix"> 的排行榜</Text>
      {info?.ownerName ? (
        <Text className="group-name__owner" id="group-owner">
          {` · 群主 ${info.ownerName}`}
        </Text>
      ) : null}
    </View>
  )
}
