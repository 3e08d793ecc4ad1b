import { Button } from '@tarojs/components'

import { Avatar } from './avatar'

interface AvatarPickerProps {
  url: string | null
  /** Receives a temporary file path to upload on save. */
  onPicked(tempFilePath: string): void
}

/** WeChat's own avatar chooser (`open-type="chooseAvatar"`), privacy-checked by the base library. */
export function AvatarPicker({ url, onPicked }: AvatarPickerProps) {
  return (
    <Button
      className="profile-page__avatar"
      id="choose-avatar"
      openType="chooseAvatar"
      onChooseAvatar={(event) => {
        const detail = event.detail as { avatarUrl?: string }
        if (detail.avatarUrl) onPicked(detail.avatarUrl)
      }}
    >
      <Avatar url={url} size="large" />
    </Button>
  )
}
