import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'

import { readGroupName } from '../platform/services.h5'

/** Names already shown, so that revisiting a page does not flash an empty title. */
const knownNames = new Map<string, string | null>()

/**
 * The H5 stand-in for `<open-data type="groupName">`: the local server answers a group's name
 * only to its members, as WeChat renders it only for them; anyone else sees no name.
 */
export function GroupName({ groupId }: { groupId: string }) {
  const [name, setName] = useState<string | null>(knownNames.get(groupId) ?? null)

  useEffect(() => {
    let current = true
    void readGroupName(groupId).then((answer) => {
      knownNames.set(groupId, answer)
      if (current) setName(answer)
    })
    return () => {
      current = false
    }
  }, [groupId])

  // Never "的排行榜" without a name: a neutral title until the name is known (or if hidden).
  return (
    <View className="group-name">
      {name ? (
        <>
          <Text className="group-name__name">{name}</Text>
          <Text className="group-name__suffix"> 的排行榜</Text>
        </>
      ) : (
        <Text className="group-name__neutral">群排行榜</Text>
      )}
    </View>
  )
}
