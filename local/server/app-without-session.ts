/**
 * What /app/ shows when opened without a phone session (e.g. from the start banner): the H5 app is
 * one member's phone and only the simulator gives it a member, so instead of an app whose every call
 * answers 401 ("加载失败，下拉重试") the page says how to open it and links there.
 */
export function appWithoutSessionPage(simulatorUrl: string): string {
  return `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width,initial-scale=1" />
    <title>群排行榜 · 请从模拟器打开</title>
    <link rel="icon" href="data:," />
    <style>
      body { margin: 0; font: 15px/1.6 system-ui, 'Noto Sans CJK SC', 'PingFang SC', sans-serif;
        background: #f4f6fa; color: #1d2433; display: flex; justify-content: center; }
      main { max-width: 420px; margin: 48px 16px; background: #fff; border-radius: 14px;
        padding: 24px; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.06); }
      h1 { font-size: 20px; margin: 0 0 12px; }
      a.button { display: block; text-align: center; background: #1f6feb; color: #fff;
        text-decoration: none; border-radius: 22px; padding: 10px; margin-top: 16px; font-weight: 600; }
      p { margin: 8px 0; }
      .muted { color: #7a8499; font-size: 13px; }
    </style>
  </head>
  <body>
    <main data-testid="app-needs-simulator">
      <h1>请从模拟器里的手机打开</h1>
      <p>这是群排行榜小程序的 H5 版。小程序总是以某位群成员的身份打开，而成员和群聊都在本地微信模拟器里。</p>
      <p>在模拟器里点「打开示例群」，或点开群聊里的小程序卡片，手机里就是这个群的排行榜。</p>
      <a class="button" href="${simulatorUrl}">打开模拟器</a>
      <p class="muted">直接打开 /app/ 时没有成员身份，小程序的每次请求都会被拒绝（HTTP 401）。</p>
    </main>
  </body>
</html>
`
}
