import {
  bypassesProxy,
  describeRoute,
  ProxyConfigError,
  proxyFor
} from '../../src/adapters/proxy-env.js'

const PROXY = 'http://proxy.corp:3128'

describe('NO_PROXY forms (GitHub runner and @actions/http-client rules)', () => {
  it.each([
    // [NO_PROXY, URL, exempt]
    ['*', 'https://anything.example/x', true],
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['example.com', 'https://notexample.com/', false],
    ['.example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://a.b.example.com/', true],
    ['.example.com', 'https://example.com/', false],
    ['*.example.com', 'https://api.example.com/', true],
    ['example.com:443', 'https://example.com/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['example.com:80', 'http://example.com/', true],
    ['EXAMPLE.com', 'https://Api.Example.COM/', true],
    ['a.test, example.com ,b.test', 'https://example.com/', true],
    ['a.test\nexample.com', 'https://example.com/', true],
    ['a.test,,b.test', 'https://example.com/', false],
    ['10.0.0.5', 'http://10.0.0.5:9090/', true],
    ['10.0.0.5', 'http://10.0.0.50:9090/', false],
    ['::1', 'http://[::1]:9090/', true],
    ['[::1]:9090', 'http://[::1]:9090/', true],
    ['[::1]:9091', 'http://[::1]:9090/', false],
    ['example.com.', 'https://example.com/', true],
    ['', 'https://example.com/', false]
  ])('NO_PROXY=%j and %s: exempt %s', (noProxy, url, exempt) => {
    expect(bypassesProxy(new URL(url), { NO_PROXY: noProxy })).toBe(exempt)
  })

  it('no_proxy (lowercase) wins over NO_PROXY, as in the runner', () => {
    const env = { no_proxy: 'a.test', NO_PROXY: 'example.com' }
    expect(bypassesProxy(new URL('https://example.com/'), env)).toBe(false)
    expect(bypassesProxy(new URL('https://a.test/'), env)).toBe(true)
  })

  it('loopback addresses are not exempt by themselves (list them in NO_PROXY)', () => {
    expect(bypassesProxy(new URL('http://127.0.0.1:8080/'), {})).toBe(false)
    expect(bypassesProxy(new URL('http://localhost:8080/'), {})).toBe(false)
  })
})

describe('proxyFor', () => {
  it('an https URL uses HTTPS_PROXY only, an http URL HTTP_PROXY only', () => {
    expect(proxyFor(new URL('https://example.com/'), { HTTP_PROXY: PROXY })).toBeUndefined()
    expect(proxyFor(new URL('http://example.com/'), { HTTPS_PROXY: PROXY })).toBeUndefined()
    expect(proxyFor(new URL('https://example.com/'), { HTTPS_PROXY: PROXY })).toMatchObject({
      origin: PROXY,
      from: 'HTTPS_PROXY'
    })
    expect(proxyFor(new URL('http://example.com/'), { HTTP_PROXY: PROXY })).toMatchObject({
      origin: PROXY,
      from: 'HTTP_PROXY'
    })
  })

  it('lowercase wins over uppercase; a blank value counts as unset', () => {
    const env = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }
    expect(proxyFor(new URL('https://x.test/'), env)?.origin).toBe('http://lower:1')
    expect(
      proxyFor(new URL('https://x.test/'), { https_proxy: '  ', HTTPS_PROXY: 'http://upper:2' })
        ?.origin
    ).toBe('http://upper:2')
  })

  it('a proxy without a scheme is an http proxy; credentials stay in url, out of origin', () => {
    const route = proxyFor(new URL('https://x.test/'), {
      HTTPS_PROXY: 'user:p%40ss@proxy.corp:3128'
    })
    expect(route?.origin).toBe(PROXY)
    expect(route?.url.username).toBe('user')
    expect(route?.url.password).toBe('p%40ss')
  })

  it('NO_PROXY wins over the proxy variable', () => {
    expect(
      proxyFor(new URL('https://x.test/'), { HTTPS_PROXY: PROXY, NO_PROXY: 'x.test' })
    ).toBeUndefined()
  })

  it.each([
    ['socks5://user:hidden@proxy:1080', 'HTTPS_PROXY uses socks5://'],
    ['http://', 'HTTPS_PROXY is not a proxy URL']
  ])('%s is a configuration error that never quotes the value', (value, message) => {
    let error: unknown
    try {
      proxyFor(new URL('https://x.test/'), { HTTPS_PROXY: value })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ProxyConfigError)
    expect((error as Error).message).toContain(message)
    expect((error as Error).message).not.toContain('hidden')
  })
})

describe('describeRoute (the setup log line)', () => {
  it.each([
    [{}, 'direct'],
    [
      { HTTPS_PROXY: 'http://u:secret@proxy.corp:3128' },
      'through proxy http://proxy.corp:3128 (HTTPS_PROXY)'
    ],
    [
      { HTTPS_PROXY: PROXY, no_proxy: '.example.com' },
      'direct (NO_PROXY matches prod.example.com)'
    ],
    [
      { HTTPS_PROXY: 'ftp://proxy' },
      'no route: HTTPS_PROXY uses ftp://, which the probes do not support: use an http:// or https:// proxy'
    ]
  ])('%j: %s', (env, line) => {
    expect(describeRoute('https://prod.example.com/health', env)).toBe(line)
  })
})
