import type { UserConfigExport } from '@tarojs/cli'

// TARO_NO_MINIFY=1 keeps the output readable when debugging a production build.
const minify = process.env.TARO_NO_MINIFY !== '1'

export default {
  mini: {},
  h5: {},
  ...(minify ? {} : { terser: { enable: false }, csso: { enable: false } }),
} satisfies UserConfigExport<'webpack5'>
