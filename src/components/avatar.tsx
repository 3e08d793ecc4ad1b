import { Image } from '@tarojs/components'
import { memo, useState } from 'react'

export const AVATAR_FALLBACK = '/assets/avatar-fallback.png'

interface AvatarProps {
  url: string | null
  size: 'small' | 'large'
}

/** A member's avatar; a missing or broken image falls back to a neutral placeholder. */
export const Avatar = memo(function Avatar({ url, size }: AvatarProps) {
  const [failedUrl, setFailedUrl] = useState<string | null>(null)
  const src = url && url !== failedUrl ? url : AVATAR_FALLBACK
  return (
    <Image
      className={`avatar avatar--${size}`}
      src={src}
      mode="aspectFill"
      lazyLoad
      onError={() => setFailedUrl(url)}
    />
  )
})
