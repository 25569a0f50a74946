// Starts a real `ombud serve` on a free loopback port with a fresh data directory.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

const root = resolve(import.meta.dirname, '..', '..');
export const BIN = process.env.OMBUD_BIN ?? join(root, 'target', 'debug', 'ombud');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export const HANDLER = { email: 'handler@e2e.example', password: 'e2e handler password', name: 'Wang Fang' };
export const OVERSIGHT = { email: 'oversight@e2e.example', password: 'e2e oversight password', name: 'Maria Keller' };

export async function startOmbud() {
  const data = mkdtempSync(join(tmpdir(), 'ombud-e2e-'));
  for (const [who, role] of [[HANDLER, 'handler'], [OVERSIGHT, 'oversight']]) {
    const added = spawnSync(
      BIN,
      ['staff', 'add', '--data', data, '--email', who.email, '--name', who.name, '--role', role, '--password-stdin'],
      { input: `${who.password}\n`, encoding: 'utf8' },
    );
    if (added.status !== 0) throw new Error(`staff add failed: ${added.stderr}`);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = openSync(join(data, '..', `${data.split('/').pop()}.log`), 'w');
  const child = spawn(BIN, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', log] });
  for (let i = 0; i < 150; i++) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    },
  };
}
