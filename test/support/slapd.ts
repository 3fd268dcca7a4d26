import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Change, Client } from 'ldapts';
import type { LdapSettings } from '../../src/connectors/ldap-group.js';

/**
 * A real OpenLDAP server for a test file: Debian's slapd started as an ordinary process on a
 * free port, with a throw-away configuration and database in a temporary folder (removed on
 * stop). `.ci/run` installs slapd when it is missing.
 */

export const SLAPD = '/usr/sbin/slapd';
export const BASE_DN = 'dc=woodgrove,dc=test';
export const ADMIN_DN = `cn=admin,${BASE_DN}`;
export const ADMIN_PASSWORD = 'throw-away-admin-password';
export const PEOPLE = `ou=people,${BASE_DN}`;
export const GROUPS = `ou=groups,${BASE_DN}`;
export const PLACEHOLDER_DN = `cn=nobody,${BASE_DN}`;

export interface Slapd {
  url: string;
  /** Stops the server, keeping its data: `start()` brings the same directory back. */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs `work` with a client bound as the directory's admin. */
  asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  addPerson(uid: string, mail: string): Promise<string>;
  addGroup(cn: string, members: readonly string[]): Promise<string>;
  members(groupDn: string): Promise<string[]>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function configuration(dir: string): string {
  const schema = (name: string) => `include /etc/ldap/schema/${name}.schema`;
  return [
    schema('core'),
    schema('cosine'),
    schema('inetorgperson'),
    schema('nis'),
    `pidfile ${join(dir, 'slapd.pid')}`,
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'database mdb',
    `suffix "${BASE_DN}"`,
    `rootdn "${ADMIN_DN}"`,
    `rootpw ${ADMIN_PASSWORD}`,
    `directory ${join(dir, 'data')}`,
    'maxsize 10485760',
    '',
  ].join('\n');
}

/** Resolves once the port takes connections; the process's exit before that is an error. */
async function listening(port: number, child: ChildProcess, output: () => string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    if (child.exitCode !== null) throw new Error(`slapd exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not listen on ${port}: ${output()}`);
}

export async function startSlapd(): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-slapd-'));
  mkdirSync(join(dir, 'data'));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, configuration(dir));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = '';

  async function start(): Promise<void> {
    output = '';
    // -d: stay in the foreground (no daemon to chase); level 0 keeps it quiet.
    const started = spawn(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child = started;
    await listening(port, started, () => output);
  }

  async function pause(): Promise<void> {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  }

  async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url, timeout: 5_000, connectTimeout: 5_000 });
    try {
      await client.bind(ADMIN_DN, ADMIN_PASSWORD);
      return await work(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  await start();
  await asAdmin(async (client) => {
    await client.add(BASE_DN, {
      objectClass: ['dcObject', 'organization'],
      dc: 'woodgrove',
      o: 'Woodgrove Bank',
    });
    await client.add(PEOPLE, { objectClass: 'organizationalUnit', ou: 'people' });
    await client.add(GROUPS, { objectClass: 'organizationalUnit', ou: 'groups' });
    await client.add(PLACEHOLDER_DN, { objectClass: ['person'], cn: 'nobody', sn: 'nobody' });
  });

  return {
    url,
    pause,
    start,
    async stop() {
      await pause();
      rmSync(dir, { recursive: true, force: true });
    },
    asAdmin,
    async addPerson(uid, mail) {
      const dn = `uid=${uid},${PEOPLE}`;
      await asAdmin((client) =>
        client.add(dn, { objectClass: ['inetOrgPerson'], uid, cn: uid, sn: uid, mail }),
      );
      return dn;
    },
    async addGroup(cn, members) {
      const dn = `cn=${cn},${GROUPS}`;
      await asAdmin((client) => client.add(dn, { objectClass: ['groupOfNames'], cn, member: [...members] }));
      return dn;
    },
    async members(groupDn) {
      const { searchEntries } = await asAdmin((client) =>
        client.search(groupDn, { scope: 'base', attributes: ['member'] }),
      );
      const value = searchEntries[0]?.member;
      return (Array.isArray(value) ? value : value ? [value] : []).map(String).sort();
    },
  };
}

/** How Gatehouse is configured to use this server: bound as its admin, people by `mail`, a placeholder for empty groups. */
export function settingsFor(slapd: Slapd): LdapSettings {
  return {
    url: slapd.url,
    bindDn: ADMIN_DN,
    bindPassword: ADMIN_PASSWORD,
    baseDn: BASE_DN,
    userAttribute: 'mail',
    startTls: false,
    timeoutMs: 2_000,
    emptyGroupMember: PLACEHOLDER_DN,
  };
}

/** Takes `dn` out of a group as an admin would by hand. */
export async function removeByHand(slapd: Slapd, groupDn: string, dn: string): Promise<void> {
  await slapd.asAdmin((client) =>
    client.modify(
      groupDn,
      new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [dn] }) }),
    ),
  );
}
