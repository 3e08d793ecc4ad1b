import type { UserConfigExport } from '@tarojs/cli'

export default {
  logger: { quiet: false, stats: true },
  // Taro's dependency prebundle fails under webpack 5.91's enhanced-resolve ("options.roots.map
  // is not a function") and then falls back anyway; skipping it keeps the watch output clean.
  compiler: { type: 'webpack5', prebundle: { enable: false } },
  mini: {},
  h5: {},
} satisfies UserConfigExport<'webpack5'>
