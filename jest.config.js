// Jest projects, one per seam: pure rules and stores (unit), cloud functions through their real
// entry on SQLite (cloud), the compiled weapp in miniprogram-simulate (weapp), the local preview
// in headless Chromium (browser), the local preview's process over HTTP (preview).
const babelTransform = [
  'babel-jest',
  {
    babelrc: false,
    configFile: false,
    presets: [
      ['@babel/preset-env', { targets: { node: 'current' } }],
      ['@babel/preset-typescript', { allowDeclareFields: true }],
      ['@babel/preset-react', { runtime: 'automatic' }],
    ],
  },
]

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.[jt]sx?$': babelTransform },
  // Keep babel away from the compiled weapp output and dependencies.
  transformIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/cloudfunctions/'],
}

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/tests/unit/**/*.test.{ts,tsx}'],
      moduleNameMapper: {
        '^@tarojs/components$': '<rootDir>/tests/unit/support/taro-components.tsx',
        '^@tarojs/taro$': '<rootDir>/tests/unit/support/taro.ts',
        '\\.(css|scss)$': '<rootDir>/tests/unit/support/style-stub.ts',
      },
    },
    {
      ...common,
      displayName: 'cloud',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/cloud/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'weapp',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/tests/weapp/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'preview',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/preview/**/*.test.ts'],
    },
  ],
}
