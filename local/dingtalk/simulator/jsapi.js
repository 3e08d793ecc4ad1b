// The local DingTalk container's `dd` JSAPI, injected into the H5 DingTalk build's page by the
// local server (`/app-dd/index.html`). `dd.getAuthCode({ corpId })` answers a free-login code of
// the user signed in on this phone (`ddUser` in the page URL), issued by the DingTalk stand-in.
;(function () {
  var user = new URLSearchParams(window.location.search).get('ddUser') || ''
  window.dd = {
    getAuthCode: function (options) {
      fetch('/api/dingtalk-sim/auth-code', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: user, corpId: options.corpId }),
      })
        .then(function (response) {
          return response.json()
        })
        .then(
          function (body) {
            if (body && body.authCode) {
              if (options.success) options.success({ authCode: body.authCode })
            } else if (options.fail) {
              options.fail({ errorCode: 403, errorMessage: body && body.message })
            }
          },
          function () {
            if (options.fail) options.fail({ errorCode: -1, errorMessage: 'network' })
          },
        )
    },
  }
})()
