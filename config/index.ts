import { resolve } from 'node:path'

import { defineConfig, type UserConfigExport } from '@tarojs/cli'

import devConfig from './dev'
import prodConfig from './prod'

// Each platform builds into its own folder so the weapp output (opened by DevTools through
// project.config.json) and the H5 output (served by `npm start`) never overwrite each other.
const platform = process.env.TARO_ENV ?? 'weapp'
// The local preview's DingTalk mode runs the H5 build with the DingTalk platform modules
// (`*.dd.ts`) in place of the H5 ones: `LEADERBOARD_H5_FLAVOR=dd taro build --type h5`.
const dingtalkH5 = platform === 'h5' && process.env.LEADERBOARD_H5_FLAVOR === 'dd'
const outputRoot = dingtalkH5 ? 'dist/h5-dd' : `dist/${platform}`
// The client↔cloud contract lives outside `src/` (the functions import it too, and must never
// import the app). Taro compiles only `sourceRoot` with its babel preset unless a path is listed
// in `compile.include` (https://docs.taro.zone/docs/config-detail#minicompileinclude).
// `local/host-protocol.ts` is the preview's wire format with the H5 build's edge modules.
const COMPILED_OUTSIDE_SRC = [
  resolve(__dirname, '..', 'shared'),
  resolve(__dirname, '..', 'local/host-protocol.ts'),
]
const DINGTALK_MODULES =
  /[\\/](platform[\\/](services|enter-options|share)|components[\\/]group-name)$/

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'group-leaderboard',
    date: '2026-11-22',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot,
    // DingTalk mini program (`taro build --type dd`); see PLATFORM.md for why it is pinned with overrides.
    plugins: ['@tarojs/plugin-platform-alipay-dd'],
    defineConstants: {},
    // Always defined, so `process.env.TARO_APP_DINGTALK_API` is replaced at build time even when
    // unset (H5 has no `process` at run time). Empty: the local preview's relative entry path.
    env: { TARO_APP_DINGTALK_API: JSON.stringify(process.env.TARO_APP_DINGTALK_API ?? '') },
    copy: { patterns: [{ from: 'src/assets/', to: `${outputRoot}/assets/` }], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: COMPILED_OUTSIDE_SRC },
      postcss: {
        pxtransform: { enable: true, config: {} },
      },
    },
    h5: {
      publicPath: dingtalkH5 ? '/app-dd/' : '/',
      compile: { include: COMPILED_OUTSIDE_SRC },
      webpackChain(chain, webpack) {
        // The H5 app is the local preview's, read from 127.0.0.1: its 308 KiB entry is React and
        // the Taro runtime, more than webpack's 244 KiB default for sites on a mobile network.
        // A budget a little above today's size still warns when the app grows.
        chain.performance.maxEntrypointSize(400 * 1024).maxAssetSize(300 * 1024)
        if (!dingtalkH5) return
        // `../platform/services` → `../platform/services.dd`, which Taro then resolves to the
        // `.dd.ts` file (there is no `.dd.h5.ts`).
        chain.plugin('dingtalk-modules').use(webpack.NormalModuleReplacementPlugin, [
          DINGTALK_MODULES,
          (resource: { request: string }) => {
            resource.request = `${resource.request}.dd`
          },
        ])
      },
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: {
        // [contenthash]: webpack 5 deprecates [hash] (now [fullhash]), and a name that changes
        // only with the file's own content keeps the browser's cache of the unchanged files.
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash].css',
        chunkFilename: 'css/[name].[contenthash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
      },
    },
  }
  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
