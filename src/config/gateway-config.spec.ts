import { loadConfig } from './gateway-config.js';

describe('configuration', () => {
  it('starts with no environment at all, on the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      HTTP_PORT: 3000,
      MQTT_PORT: 1883,
      MQTT_WS_PATH: '/mqtt',
      DATA_DIR: './data',
      MQTT_MAX_PACKET_BYTES: 262144,
      LOG_LEVEL: 'info',
    });
    expect(c.MONGODB_URI).toBeUndefined();
  });

  it('reads and converts values', () => {
    expect(loadConfig({ HTTP_PORT: '8080', MQTT_MAX_PACKET_BYTES: '4096' })).toMatchObject({
      HTTP_PORT: 8080,
      MQTT_MAX_PACKET_BYTES: 4096,
    });
  });

  it.each([
    ['HTTP_PORT', 'eighty'],
    ['MQTT_PORT', '70000'],
    ['MQTT_WS_PATH', 'mqtt'],
    ['MONGODB_URI', 'http://x'],
    ['GATEWAY_ADMIN_TOKEN', 'short'],
    ['MQTT_MAX_PACKET_BYTES', '10'],
    ['LOG_LEVEL', 'loud'],
  ])('stops on a wrong %s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it('has flow bounds that let the closing bound hold the QoS 0 one', () => {
    expect(loadConfig({})).toMatchObject({
      MQTT_MAX_KEEPALIVE_S: 0,
      MQTT_MAX_QUEUED_QOS0_BYTES: 1048576,
      MQTT_MAX_QUEUED_BYTES: 8388608,
      MQTT_DRAIN_TIMEOUT_MS: 30000,
    });
    expect(() => loadConfig({ MQTT_DRAIN_TIMEOUT_MS: '0' })).toThrow(/MQTT_DRAIN_TIMEOUT_MS=/);
    expect(() => loadConfig({ MQTT_MAX_QUEUED_BYTES: '65536', MQTT_MAX_QUEUED_QOS0_BYTES: '131072' })).toThrow(
      /MQTT_MAX_QUEUED_BYTES must be at least MQTT_MAX_QUEUED_QOS0_BYTES/,
    );
  });

  it('wants the TLS certificate and key together', () => {
    expect(() => loadConfig({ MQTT_TLS_CERT: '/x.pem' })).toThrow(/MQTT_TLS_CERT and MQTT_TLS_KEY/);
  });
});
