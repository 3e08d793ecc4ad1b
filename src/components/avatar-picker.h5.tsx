import { View } from '@tarojs/components'
import type { ChangeEvent } from 'react'

import { Avatar } from './avatar'

interface AvatarPickerProps {
  url: string | null
  /** Receives a temporary file path to upload on save. */
  onPicked(tempFilePath: string): void
}

const ACCEPTED_TYPES = 'image/png,image/jpeg,image/webp,image/gif'

/**
 * The H5 stand-in for WeChat's avatar chooser: a file input under the avatar. The picked file
 * becomes an object URL — the "temporary path" that `uploadAvatar` reads and uploads on save.
 */
export function AvatarPicker({ url, onPicked }: AvatarPickerProps) {
  const pick = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    // Cleared so that picking the same file again still counts as a change.
    event.target.value = ''
    if (file) onPicked(URL.createObjectURL(file))
  }
  return (
    <View className="profile-page__avatar" id="choose-avatar">
      <label className="avatar-picker__label" htmlFor="avatar-file">
        <Avatar url={url} size="large" />
      </label>
      {/* No `name`: Taro's form would otherwise collect the file input into the submit value. */}
      <input
        id="avatar-file"
        type="file"
        accept={ACCEPTED_TYPES}
        style={{ display: 'none' }}
        onChange={pick}
      />
    </View>
  )
}
