import { MASK } from './credential-fields.js';
import {
  headersForReader,
  keepReaderEcho,
  looksLikeCredential,
  urlForReader,
  viewForReader,
} from './read-only-view.js';

const M = MASK;

describe('read-only view of a webhook target', () => {
  it('calls a segment a credential from 16 characters of [A-Za-z0-9_-] with two of lower, upper, digit', () => {
    for (const s of ['XXXXXXXXXXXXXXXXXXXXXXX1', 'a1b2c3d4e5f6a7b8', 'Ab_cdefghijklmnop', 'x.eyJhbGciOiJIUzI1NiJ9.y'])
      expect([s, looksLikeCredential(s)]).toEqual([s, true]);
    for (const s of [
      'a1b2c3d4e5f6a7b', // 15: too short
      'incoming-webhooks-endpoint', // one class
      '123456789012345678', // all digits (an id)
      'ABCDEFGHIJKLMNOPQRST',
      '{device_id}',
      'services',
      '',
    ])
      expect([s, looksLikeCredential(s)]).toEqual([s, false]);
  });

  it('masks the path from the first credential-looking segment on', () => {
    expect(urlForReader('https://hooks.slack.com/services/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')).toBe(
      `https://hooks.slack.com/services/T0A1B2C3D/B0E4F5G6H/${M}`,
    );
    expect(urlForReader('https://x.test/hook/0123456789abcdef0123/{device_id}/')).toBe(
      `https://x.test/hook/${M}/${M}/`,
    );
    expect(urlForReader('https://example.com/webhook/{device_id}')).toBe('https://example.com/webhook/{device_id}');
  });

  it('masks userinfo, every query value, a bare credential-looking query part and the fragment', () => {
    expect(urlForReader('https://bob:pa55@example.com:8443/in?token=abc&plain=1&flag#sig')).toBe(
      `https://${M}@example.com:8443/in?token=${M}&plain=${M}&flag#${M}`,
    );
    expect(urlForReader('https://example.com/in?Zx9Qw8Er7Ty6Ui5Op4')).toBe(`https://example.com/in?${M}`);
    expect(urlForReader('https://example.com')).toBe('https://example.com');
    expect(urlForReader('http://127.0.0.1:9/a?')).toBe('http://127.0.0.1:9/a?');
  });

  it('masks header values but content-type, accept and user-agent (any case)', () => {
    expect(
      headersForReader({ 'X-Custom': 'k-1', 'Content-Type': 'text/plain', accept: '*/*', 'User-Agent': 'g/1' }),
    ).toEqual({ 'X-Custom': M, 'Content-Type': 'text/plain', accept: '*/*', 'User-Agent': 'g/1' });
  });

  it('applies the URL rule to the OAuth2 token URL too', () => {
    const view = {
      url: 'https://example.com/a',
      headers: {},
      oAuth2Request: { tokenUrl: 'https://auth.test/token?client_assertion=x', clientId: 'gw' },
    };
    expect(viewForReader(view).oAuth2Request).toEqual({
      tokenUrl: `https://auth.test/token?client_assertion=${M}`,
      clientId: 'gw',
    });
    expect(viewForReader({ url: 'https://example.com/a', headers: {}, oAuth2Request: null }).oAuth2Request).toBeNull();
  });

  it('keeps the stored URL and headers when an update sends back what a reader saw', () => {
    const stored = { url: 'https://u:p@example.com/a?k=1', headers: { 'X-Custom': 'k-1' } };
    const echo = { url: urlForReader(stored.url), headers: headersForReader(stored.headers) };
    keepReaderEcho(echo, stored);
    expect(echo).toEqual(stored);
    const oAuth2 = { url: 'https://a.test/x', headers: {}, oAuth2Request: { tokenUrl: 'https://auth.test/t?k=1' } };
    const sentBack = { oAuth2Request: { tokenUrl: urlForReader(oAuth2.oAuth2Request.tokenUrl) } };
    keepReaderEcho(sentBack, oAuth2);
    expect(sentBack.oAuth2Request.tokenUrl).toBe('https://auth.test/t?k=1');
    const changed = { url: 'https://example.com/b', headers: { 'X-Custom': 'k-2', 'X-New': M } };
    keepReaderEcho(changed, stored);
    expect(changed).toEqual({ url: 'https://example.com/b', headers: { 'X-Custom': 'k-2', 'X-New': M } });
  });
});
