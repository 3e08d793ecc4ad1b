/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.svg'
declare module '*.css'

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    TARO_ENV:
      | 'weapp'
      | 'dd'
      | 'h5'
      | 'swan'
      | 'alipay'
      | 'tt'
      | 'qq'
      | 'jd'
      | 'rn'
      | 'harmony'
      | 'jdrn'
    /** The mini program's appid; DevTools falls back to `touristappid` when unset. */
    TARO_APP_ID?: string
    /** The CloudBase environment id; unset means the environment DevTools has selected. */
    TARO_APP_CLOUD_ENV?: string
    /** DingTalk build: base URL of the DingTalk HTTP entry (CloudBase HTTP access + trigger path). */
    TARO_APP_DINGTALK_API?: string
  }
}
