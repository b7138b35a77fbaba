// One function decides what in health-url / prometheus-url is a secret; every place that shows
// the URL uses its `shown` form.
import { hideUrlSecrets, isSecretParam, redactUrl } from '../../src/lib/urls.js'

describe('redactUrl', () => {
  it.each<[string, string, string, string[]]>([
    [
      'no secret: unchanged, nothing masked',
      'https://app.example.com/health',
      'https://app.example.com/health',
      []
    ],
    [
      'a plain query stays',
      'https://app.example.com/health?verbose=1&format=json',
      'https://app.example.com/health?verbose=1&format=json',
      []
    ],
    [
      '?token=',
      'https://prom.example.com/api?token=s3cr3t',
      'https://prom.example.com/api?token=***',
      ['s3cr3t']
    ],
    [
      'access_token beside a plain parameter',
      'https://h/x?a=1&access_token=abcd1234&b=2',
      'https://h/x?a=1&access_token=***&b=2',
      ['abcd1234']
    ],
    ['api_key', 'https://h/?api_key=k3y-value', 'https://h/?api_key=***', ['k3y-value']],
    ['apiKey (camelCase)', 'https://h/?apiKey=k3y-value', 'https://h/?apiKey=***', ['k3y-value']],
    ['key', 'https://h/?key=AIzaXYZ', 'https://h/?key=***', ['AIzaXYZ']],
    [
      'sig (Azure SAS)',
      'https://h/b?sv=2022&sig=abc%2Bdef',
      'https://h/b?sv=2022&sig=***',
      ['abc%2Bdef', 'abc+def']
    ],
    [
      'X-Amz-Signature and X-Amz-Credential',
      'https://s3/o?X-Amz-Credential=AKIA1%2F2026&X-Amz-Signature=beef',
      'https://s3/o?X-Amz-Credential=***&X-Amz-Signature=***',
      ['AKIA1%2F2026', 'AKIA1/2026', 'beef']
    ],
    ['auth', 'https://h/?auth=letmein', 'https://h/?auth=***', ['letmein']],
    [
      'PASSWORD (any case)',
      'https://h/?PASSWORD=hunter22',
      'https://h/?PASSWORD=***',
      ['hunter22']
    ],
    ['pwd', 'https://h/?pwd=hunter22', 'https://h/?pwd=***', ['hunter22']],
    ['client_secret', 'https://h/?client_secret=zzzz', 'https://h/?client_secret=***', ['zzzz']],
    ['sessionid', 'https://h/?sessionid=abcd', 'https://h/?sessionid=***', ['abcd']],
    ['an empty secret parameter has nothing to hide', 'https://h/?token=', 'https://h/?token=', []],
    [
      'user:password@',
      'https://user:pa55@h.example.com/health',
      'https://user:***@h.example.com/health',
      ['pa55']
    ],
    [
      'a percent-encoded password',
      'https://user:p%40ss%3Aw@h/health',
      'https://user:***@h/health',
      ['p%40ss%3Aw', 'p@ss:w']
    ],
    ['a user without a password stays', 'https://deploy@h/health', 'https://deploy@h/health', []],
    [
      'a token as the user name (GitHub style)',
      'https://ghp_abcdefABCDEF0123456789@h/health',
      'https://***@h/health',
      ['ghp_abcdefABCDEF0123456789']
    ],
    [
      'a long random user name is a token too',
      'https://9f86d081884c7d659a2feaa0c55ad015@h/',
      'https://***@h/',
      ['9f86d081884c7d659a2feaa0c55ad015']
    ],
    [
      'userinfo and a token together',
      'http://user:pa55@127.0.0.1:8080/health?token=s3cr3t#top',
      'http://user:***@127.0.0.1:8080/health?token=***#top',
      ['pa55', 's3cr3t']
    ],
    [
      'a token in the fragment',
      'https://h/cb#access_token=abcd1234&state=x',
      'https://h/cb#access_token=***&state=x',
      ['abcd1234']
    ],
    ['not a URL: still redacted', 'not a url?token=s3cr3t', 'not a url?token=***', ['s3cr3t']],
    ['an @ in the query is no userinfo', 'https://h/?to=a@b.c', 'https://h/?to=a@b.c', []]
  ])('%s', (_name, url, shown, values) => {
    const r = redactUrl(url)
    expect(r.shown).toBe(shown)
    // The whole URL as written is masked too, whenever it holds a secret.
    expect(r.secrets).toEqual(values.length ? [url, ...values] : [])
    for (const v of values) expect(r.shown).not.toContain(v)
  })

  it.each<[string, boolean]>([
    ['token', true],
    ['access_token', true],
    ['id_token', true],
    ['X-Amz-Security-Token', true],
    ['api_key', true],
    ['apikey', true],
    ['x-api-key', true],
    ['keys', true],
    ['sig', true],
    ['signature', true],
    ['auth', true],
    ['oauth', true],
    ['authorization', true],
    ['password', true],
    ['passwd', true],
    ['pass', true],
    ['secret', true],
    ['credentials', true],
    ['session_id', true],
    ['jwt', true],
    ['author', false],
    ['keyword', false],
    ['design', false],
    ['bypass', false],
    ['q', false],
    ['query', false],
    ['format', false],
    ['timeout', false],
    ['page', false]
  ])('isSecretParam(%s) = %s', (name, secret) => {
    expect(isSecretParam(name)).toBe(secret)
  })

  it('hideUrlSecrets: an error message quoting the URL shows its redacted form', () => {
    const url = 'https://user:pa55@h/api/v1/query?token=s3cr3t'
    expect(hideUrlSecrets(`GET ${url} failed`, url)).toBe(
      'GET https://user:***@h/api/v1/query?token=*** failed'
    )
    // Normalised elsewhere (an extra slash, another order): the values still go.
    expect(hideUrlSecrets('request to https://h/?token=s3cr3t&x=pa55/ failed', url)).toBe(
      'request to https://h/?token=***&x=***/ failed'
    )
  })
})
