import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { jest } from '@jest/globals';
import { ensureBuilt } from './support/gateway-process.js';
import { tourSteps } from './support/readme-tour.js';
import { describeWith } from './support/requirements.js';
import { waitFor } from './support/harness.js';

jest.setTimeout(240_000);

/** A terminal: a bash whose output is kept; Terminal 2 is one long-lived shell, so its variables carry over. */
class Terminal {
  readonly child: ChildProcess;
  output = '';
  constructor(script?: string) {
    // Its own process group, so stopping it stops what it started (npm, node, mosquitto_sub).
    this.child = spawn('bash', script ? ['-c', script] : [], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** Types `script` into the shell and resolves with what it printed once it is done. */
  async type(script: string): Promise<string> {
    const marker = `__tour_step_done_${Math.random().toString(36).slice(2)}__`;
    const from = this.output.length;
    this.child.stdin!.write(`${script}\necho ${marker}\n`);
    await waitFor(
      () => this.output.includes(marker, from),
      (done) => done,
      60_000,
    );
    return this.output.slice(from, this.output.indexOf(marker, from));
  }

  stop(): void {
    try {
      process.kill(-this.child.pid!, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
}

/**
 * Issue 20.3: the README's tour, typed as written (the blocks are read from README.md, so the two cannot drift),
 * in three terminals, on whatever state the machine is in. What each step should show is checked as the
 * README says it.
 */
describeWith(['mosquitto'], 'the README tour, as written', () => {
  const terminals: Terminal[] = [];
  afterAll(() => {
    for (const t of terminals) t.stop();
    rmSync('/tmp/gateway-tour', { recursive: true, force: true });
  });

  it('works verbatim and leaves nothing aimed at a dead receiver', async () => {
    ensureBuilt();
    const steps = tourSteps();
    expect(steps.map((s) => s.terminal)).toEqual([1, 2, 2, 2, 2, 2, 2, 3, 2, 2, 2, 3, 2]);
    const [gateway, ...rest] = steps;
    const t1 = new Terminal(gateway.script);
    const t2 = new Terminal();
    terminals.push(t1, t2);
    await waitFor(
      () => t1.output,
      (out) => /MQTT\s+mqtt:\/\//.test(out),
      120_000,
    );
    const printed: string[] = [];
    let t3: Terminal | null = null;
    for (const step of rest) {
      if (step.terminal === 3) {
        t3?.stop(); // "stop the receiver first"
        t3 = new Terminal(step.script);
        terminals.push(t3);
        await new Promise((r) => setTimeout(r, 1000)); // the listener is up before the next step talks to it
        continue;
      }
      printed.push(await t2.type(step.script));
      // As a reader would: look at Terminal 3 (the two crossings, 31 and 33) before going on.
      if (step.script.includes('for t in 25 31 35 27 33'))
        await waitFor(
          () => t3!.output,
          (out) =>
            /\/alerts\/pump-1 \S+ \{"device": "Pump 1", "temperature": 31\}/.test(out) &&
            /temperature": 33\}/.test(out),
          15_000,
        );
      if (printed.length === 1) expect(await t2.type('echo "$DEVICE_TOKEN"')).toMatch(/^[A-Za-z0-9_-]{20,}\n$/);
    }
    const [, , read, history, presence, metrics, webhooks, log, , inbound] = printed;
    expect(JSON.parse(read)).toMatchObject({
      id: 'pump-1',
      values: expect.objectContaining({ temperature: expect.objectContaining({ value: 21.5 }) }),
    });
    expect(JSON.parse(history)).toMatchObject({ datastream: 'temperature', points: [{ value: 21.5 }] });
    expect(presence).toMatch(/"online"[\s\S]*"offline"/);
    expect(metrics).toMatch(/^gateway_mqtt_auth_failures_total [1-9]/m);
    expect(webhooks).not.toMatch(/"error"/);
    expect(JSON.parse(log)).toMatchObject({ items: expect.any(Array) });
    expect(inbound).toContain('{"success":true}');
    const receiver = terminals[2].output;
    expect(receiver.match(/^POST \/alerts\/pump-1 /gm)).toHaveLength(2);
    expect(receiver).toMatch(/^POST \/status \S+ .*device\.status\.online/m);
    // Terminal 3 saw the downlinks the README promises.
    await waitFor(
      () => t3!.output,
      (out) => out.includes('devices/pump-1/downlink/control') && out.includes('devices/pump-1/downlink/reboot'),
      10_000,
    );
    // Nothing aimed at the stopped receiver: no failed delivery, no webhook disabled in the gateway's log.
    expect(t1.output).not.toMatch(/disabled|ECONNREFUSED/);
  });
});
