import { OpenData, Text, View } from '@tarojs/components'

/**
 * WeChat has no API that returns a group's name; only `<open-data type="groupName">` can show it,
 * and only to members.
 */
export function GroupName({ groupId }: { groupId: string }) {
  return (
    <View className="group-name">
      <OpenData className="group-name__open-data" type="groupName" openGid={groupId} />
      <Text className="group-name__suffix"> 的排行榜</Text>
    </View>
  )
}
