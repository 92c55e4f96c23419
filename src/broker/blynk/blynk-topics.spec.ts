import { BLYNK_SINK, blynkDownlinkTopic, blynkFilter, blynkUnsubscription, parseBlynkTopic } from './blynk-topics.js';
import {
  downlinkPlain,
  mcuInfo,
  multiValue,
  parseTimestampedBatch,
  plainText,
  requestedNames,
  utcReply,
} from './blynk-payload.js';

const b = (s: string) => Buffer.from(s);

describe('Blynk uplink topics', () => {
  it.each([
    ['ds/Temperature', { kind: 'ds', name: 'Temperature', property: '' }],
    ['ds/Device On', { kind: 'ds', name: 'Device On', property: '' }],
    ['ds/Temp/timestamped_batch', { kind: 'timestamped_batch', name: 'Temp', property: '' }],
    ['ds/Temp/erase', { kind: 'erase', name: 'Temp', property: '' }],
    ['ds/Temp/prop/label', { kind: 'prop', name: 'Temp', property: 'label' }],
    ['batch_ds', { kind: 'batch_ds', name: '', property: '' }],
    ['event/overheat', { kind: 'event', name: 'overheat', property: '' }],
    ['info/mcu', { kind: 'info', name: '', property: '' }],
    ['meta/Serial Number', { kind: 'meta', name: 'Serial Number', property: '' }],
    ['get/ds', { kind: 'get_ds', name: '', property: '' }],
    ['get/ds/all', { kind: 'get_ds_all', name: '', property: '' }],
    ['get/meta', { kind: 'get_meta', name: '', property: '' }],
    ['get/utc/all/json', { kind: 'get_utc', name: '', property: '' }],
  ])('reads %j', (topic, expected) => {
    expect(parseBlynkTopic(topic)).toEqual(expected);
  });

  it.each([
    'ds/',
    'ds//erase',
    'ds/a/b',
    'ds/a/prop/',
    'ds/a/prop/x/y',
    'event/',
    'event/a/b',
    'meta/',
    'info',
    'get/utc',
    'downlink/ds/a',
    'devices/other/ds/a',
    '../devices/x/ds/a',
    '',
  ])('refuses %j', (topic) => {
    expect(parseBlynkTopic(topic)).toBeNull();
  });
});

describe('Blynk subscriptions and downlinks', () => {
  it('maps downlink filters under the device own downlink', () => {
    expect(blynkFilter('downlink/#', 'd1')).toBe('devices/d1/downlink/#');
    expect(blynkFilter('downlink/ds/+', 'd1')).toBe('devices/d1/downlink/ds/+');
    expect(blynkFilter('downlink', 'd1')).toBe('devices/d1/downlink');
  });

  it.each(['#', '+/#', '+/ds/#', 'downlinks/#', 'devices/d2/downlink/#', '../d2/downlink/#', 'ds/#', '$SYS/#'])(
    'refuses the filter %j',
    (filter) => {
      expect(blynkFilter(filter, 'd1')).toBeNull();
    },
  );

  it('maps an UNSUBSCRIBE as its SUBSCRIBE; one of what Blynk sends unasked, or of a refused filter, names nothing', () => {
    expect(blynkUnsubscription('downlink/#', 'd1')).toBe('devices/d1/downlink/#');
    expect(blynkUnsubscription('downlink/ds/Power', 'd1')).toBe('devices/d1/downlink/ds/Power');
    for (const filter of ['downlink/ping', 'downlink/reboot', 'devices/d1/downlink/ping', 'devices/d1/downlink/#', '#'])
      expect([filter, blynkUnsubscription(filter, 'd1')]).toEqual([filter, BLYNK_SINK]);
  });

  it('shows a Blynk client its own downlinks only, without our prefix', () => {
    expect(blynkDownlinkTopic('devices/d1/downlink/ds/Power', 'd1')).toBe('downlink/ds/Power');
    expect(blynkDownlinkTopic('devices/d1/downlink/ping', 'd1')).toBe('downlink/ping');
    expect(blynkDownlinkTopic('devices/d10/downlink/ping', 'd1')).toBeNull();
    expect(blynkDownlinkTopic('devices/d1/downlinks/x', 'd1')).toBeNull();
    expect(blynkDownlinkTopic('devices/d1/ds/Power', 'd1')).toBeNull();
    expect(blynkDownlinkTopic('orgs/1/x', 'd1')).toBeNull();
  });
});

describe('Blynk payloads', () => {
  it('reads NUL-separated items as one array value, numbers as numbers', () => {
    expect(multiValue(b('First\0Second\x003.5'))).toEqual(['First', 'Second', 3.5]);
    expect(multiValue(b('30.52\x0050.45'))).toEqual([30.52, 50.45]);
  });

  it('writes values as Blynk firmware reads them', () => {
    expect(plainText('on')).toBe('on');
    expect(plainText(12.5)).toBe('12.5');
    expect(plainText([1, 'a'])).toBe('1\0a');
    expect(downlinkPlain(b('"on"')).toString()).toBe('on');
    expect(downlinkPlain(b('[30.5,50.4]')).toString()).toBe('30.5\x0050.4');
    expect(downlinkPlain(b('plain text')).toString()).toBe('plain text');
    const inbound = { time: 't', path: '/', method: 'post', headers: {}, query: {}, body: 42 };
    expect(downlinkPlain(b(JSON.stringify(inbound))).toString()).toBe('42');
    expect(downlinkPlain(b('{"body":42}')).toString()).toBe('{"body":42}');
  });

  it('maps info/mcu: tmpl is the template, the rest kept under mcu (its type is the board)', () => {
    const info = mcuInfo(b('{"tmpl":"TMPL1234","ver":"1.0.0","build":"Jan 1","type":"esp32","rxbuff":1024}'));
    expect(info.ok && JSON.parse(info.value.toString())).toEqual({
      templateId: 'TMPL1234',
      mcu: { ver: '1.0.0', build: 'Jan 1', type: 'esp32', rxbuff: 1024 },
    });
    expect(mcuInfo(b('not json'))).toEqual({ ok: false, reason: 'invalid_json' });
    expect(mcuInfo(b('[1]'))).toEqual({ ok: false, reason: 'wrong_type' });
  });

  it('reads a timestamped batch oldest first, all or nothing', () => {
    const now = Date.UTC(2026, 11, 7);
    expect(parseTimestampedBatch(b(`[[${now - 1000},2],[${now - 2000},1]]`), now)).toEqual({
      ok: true,
      value: [
        [now - 2000, 1],
        [now - 1000, 2],
      ],
    });
    const old = now - 40 * 24 * 3600 * 1000;
    expect(parseTimestampedBatch(b(`[[${now},1],[${old},2]]`), now)).toEqual({ ok: false, reason: 'bad_timestamp' });
    expect(parseTimestampedBatch(b(`[[${now}]]`), now)).toEqual({ ok: false, reason: 'wrong_type' });
    expect(parseTimestampedBatch(b('[]'), now)).toEqual({ ok: false, reason: 'wrong_type' });
    expect(parseTimestampedBatch(b(`[[${now},{"__proto__":1}]]`), now)).toEqual({ ok: false, reason: 'forbidden_key' });
  });

  it('reads get/ds names separated by commas', () => {
    expect(requestedNames(b('Brightness, Color,,Device On'))).toEqual(['Brightness', 'Color', 'Device On']);
  });

  it('answers the time in UTC, or in the device zone', () => {
    const now = Date.UTC(2026, 6, 1, 12, 0, 0);
    expect(utcReply(now, undefined)).toEqual({
      tz_name: 'UTC',
      tz_rule: 'UTC0',
      tz_offset: 0,
      dst_offset: 0,
      time: now,
      iso8601: '2026-07-01T12:00:00+00:00',
    });
    expect(utcReply(now, 'Nowhere/City').tz_name).toBe('UTC');
    const berlin = utcReply(now, 'Europe/Berlin');
    expect(berlin).toMatchObject({
      tz_offset: 60,
      dst_offset: 60,
      tz_rule: null,
      iso8601: '2026-07-01T14:00:00+02:00',
    });
    expect(utcReply(now, 'Asia/Kolkata')).toMatchObject({ tz_offset: 330, dst_offset: 0, tz_rule: '<+0530>-5:30' });
  });
});
