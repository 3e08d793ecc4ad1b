// Used by Taro's webpack build only; the jest projects carry their own inline babel config
// (babel-preset-taro needs the Taro build context and does not run under jest).
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
}
