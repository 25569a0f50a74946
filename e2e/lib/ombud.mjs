// Starts a real `ombud serve` on a free loopback port with a fresh data directory.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, readFileSync, writeFileSync } from 'node:fs';
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

// The ethics handler and the oversight member are not in the directory (staff
// are linked to it by email), so no rule ties them to anyone a report names:
// they are independent of every case the journeys file.
export const HANDLER = { email: 'handler@e2e.example', password: 'e2e handler password', name: 'Wang Fang' };
export const OVERSIGHT = { email: 'oversight@e2e.example', password: 'e2e oversight password', name: 'Maria Keller' };
// Handlers who are in the directory: Sales North's president (above Sun Hao
// and Zhang Wei) and the unit's HR partner.
export const PRESIDENT = { email: 'president@demo.ombud.example', password: 'e2e president password', name: 'Zhao Lei' };
export const HR_PARTNER = { email: 'hr.sales@demo.ombud.example', password: 'e2e hr partner password', name: 'Gao Yan' };
// The administrator keeps accounts and reads no case.
export const ADMIN = { email: 'admin@e2e.example', password: 'e2e admin password', name: 'Chen Jing' };

/**
 * The organisation's sample directory, read from where the demo keeps it
 * (crates/ombud-service/src/demo.rs, `SAMPLE_DIRECTORY`): Li Na (E311) reports
 * to Zhang Wei (E310); Zhang Wei and Sun Hao (E320) report to Zhao Lei (E300),
 * Sales North's president; Zhou Min (E321) reports to Sun Hao; Gao Yan (E500)
 * is Sales North's HR partner.
 */
export const DIRECTORY_CSV = (() => {
  const source = readFileSync(join(root, 'crates', 'ombud-service', 'src', 'demo.rs'), 'utf8');
  const found = source.match(/SAMPLE_DIRECTORY: &str = "\\\n([^"]*)";/);
  if (!found) throw new Error('SAMPLE_DIRECTORY not found in demo.rs');
  return found[1];
})();

function run(args, input) {
  const done = spawnSync(BIN, args, { input, encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`ombud ${args.slice(0, 2).join(' ')} failed: ${done.stderr}`);
  return done.stdout;
}

/**
 * `secondFactor`: the roles that must sign in with a second factor (the
 * configuration's `[accounts] second_factor`); none unless a journey is
 * about it.
 */
export async function startOmbud({ secondFactor = [] } = {}) {
  // One temporary folder holds the data directory, the directory's CSV, the configuration and the server's log.
  const root = mkdtempSync(join(tmpdir(), 'ombud-e2e-'));
  const data = join(root, 'data');
  const csv = join(root, 'directory.csv');
  writeFileSync(csv, DIRECTORY_CSV);
  const config = join(root, 'ombud.toml');
  writeFileSync(config, `[accounts]\nsecond_factor = [${secondFactor.map((r) => `"${r}"`).join(', ')}]\n`);
  run(['directory', 'import', '--data', data, csv]);
  for (const [who, role] of [[HANDLER, 'handler'], [OVERSIGHT, 'oversight'], [PRESIDENT, 'handler'], [HR_PARTNER, 'handler'], [ADMIN, 'admin']]) {
    run(['staff', 'add', '--data', data, '--email', who.email, '--name', who.name, '--role', role, '--password-stdin'], `${who.password}\n`);
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The log outlives the run, beside the data it no longer needs.
  const log = openSync(join(root, 'serve.log'), 'w');
  const child = spawn(BIN, ['serve', '--config', config, '--data', data, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', log],
  });
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
    /**
     * Invites a person at the command line, as an operator would; answers the
     * path of her one-time link (the command prints it beside mailing it).
     */
    invite(email, name, role) {
      const said = run(['staff', 'invite', '--data', data, '--email', email, '--name', name, '--role', role]);
      const found = said.match(/(\/staff\/welcome\/[0-9a-f.]+)/);
      if (!found) throw new Error(`no link in: ${said}`);
      return found[1];
    },
    /** Adds an account at the command line while the server runs, as an operator would. */
    addStaff(who, role) {
      run(['staff', 'add', '--data', data, '--email', who.email, '--name', who.name, '--role', role, '--password-stdin'], `${who.password}\n`);
    },
    /** A token for the HR system's feed, from `ombud hr token create`. */
    hrToken() {
      const said = run(['hr', 'token', 'create', '--data', data, '--label', 'e2e HR system']);
      const found = said.match(/Bearer (\S+)/);
      if (!found) throw new Error(`no token in: ${said}`);
      return found[1];
    },
    /** `ombud recovery status`, as printed. */
    recoveryStatus() {
      return run(['recovery', 'status', '--data', data]);
    },
    /** Runs the deadline sweep by hand as of a later time, as `ombud deadlines sweep --as-of` does. */
    sweep(asOf) {
      run(['deadlines', 'sweep', '--data', data, '--as-of', asOf]);
    },
    async stop() {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      rmSync(data, { recursive: true, force: true });
      rmSync(csv, { force: true });
      rmSync(config, { force: true });
    },
  };
}
