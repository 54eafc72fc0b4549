'use strict';
// Engine suite for Network: replays, against the real libvirtd (qemu:///system), the call sequences Pulumi's engine
// makes (engine-steps.js): preview (with a Domain naming the network still unknown), up, a no-op up, a live DHCP host
// update, a name change (a replacement), refresh with drift, import, a destroy refused while a domain uses the network,
// and destroy. Run from the repository root after `make build`: node --test tests/interop/engine-network.test.js
//
// Everything it makes is named after one run prefix (engnet-<pid>-<random>); its subnet is a random 10.x.y.0/24 that no
// network or route uses. after() removes only networks and domains with that prefix.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const { UNKNOWN, Kind, DiffChanges, ProviderProcess, grpc } = require('./provider-client.js');
const { expectLibvirt, virsh, virshNames, virshOk, engineSteps, expectStatus } = require('./engine-steps.js');

const NETWORK = 'libvirt:index:Network';
const DOMAIN = 'libvirt:index:Domain';
const RUN = `engnet-${process.pid.toString(36)}-${crypto.randomBytes(2).toString('hex')}`;

const networkActive = (name) => {
  const r = virsh('net-info', name);
  return r.status === 0 ? /Active:\s+yes/.test(r.stdout) : null;
};
const ifindex = (bridge) => fs.readFileSync(`/sys/class/net/${bridge}/ifindex`, 'utf8').trim();

// A random 10.x.y.0/24 that no libvirt network and no host route uses.
function freeSubnet() {
  const used = virshNames('net-list').map((n) => virsh('net-dumpxml', n).stdout || '').join('\n');
  const routes = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout;
  for (;;) {
    const prefix = `10.${100 + crypto.randomInt(150)}.${crypto.randomInt(255)}.`;
    if (!used.includes(`'${prefix}`) && !routes.includes(prefix)) return `${prefix}0/24`;
  }
}

let p;
let preview, up, destroy, upExisting, refresh, importResource;
let tmp;

before(async () => {
  expectLibvirt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN}-`));
  p = new ProviderProcess({ project: 'engnet' });
  await p.start();
  await p.configure('qemu:///system');
  ({ preview, up, destroy, upExisting, refresh, importResource } = engineSteps(p));
});

after(async () => {
  try {
    if (p) await p.stop();
  } finally {
    const domains = virshNames('list', RUN);
    for (const name of domains) {
      virsh('destroy', name);
      virsh('undefine', name);
    }
    const networks = virshNames('net-list', RUN);
    for (const name of networks) {
      virsh('net-destroy', name);
      virsh('net-undefine', name);
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
});

// pkg/resource/deploy/step_generator.go (Check, Diff, Update, replacement), step.go (preview), import.go, refresh.
test('Network: preview, up, no-op, live DHCP host update, refresh with drift, import, destroy refused while used, rename replaces, destroy', async () => {
  const subnet = freeSubnet();
  const net = subnet.slice(0, -4); // "10.x.y."
  const name = `${RUN}-lab`;
  const program = { name, addresses: [subnet] };

  // A preview makes nothing and leaves name and bridge unknown; a Domain naming the network checks in that preview.
  const planned = await preview(NETWORK, 'lab', program);
  assert.equal(planned.id, '');
  assert.equal(planned.outputs.name, UNKNOWN);
  assert.equal(planned.outputs.bridge, UNKNOWN);
  assert.equal(networkActive(name), null, 'a preview must not define the network');
  const domainPreview = await p.check(DOMAIN, 'vm', { name: `${RUN}-vm`, type: 'qemu', memory: 64, networkInterfaces: [{ network: UNKNOWN }] });
  assert.deepEqual(domainPreview.failures, []);

  let lab = await up(NETWORK, 'lab', program);
  assert.equal(networkActive(name), true);
  assert.equal(lab.outputs.name, name);
  assert.deepEqual(lab.outputs.gateways, [`${net}1`]);
  const bridge = lab.outputs.bridge;
  const index = ifindex(bridge);

  const same = await upExisting(lab, program);
  assert.equal(same.op, 'same', JSON.stringify(same.diff.detailed));
  lab = same.state;

  // A static host is a live update: no replacement, the same bridge device.
  const withHost = { ...program, dhcp: { hosts: [{ mac: '52:54:00:ee:00:01', ip: `${net}20`, hostname: 'web' }] } };
  const updated = await upExisting(lab, withHost);
  assert.equal(updated.op, 'update');
  assert.deepEqual(updated.diff.replaces, []);
  assert.ok(Object.keys(updated.diff.detailed).every((k) => k.startsWith('dhcp')), JSON.stringify(updated.diff.detailed));
  assert.equal(updated.state.outputs.bridge, bridge);
  assert.equal(ifindex(bridge), index, 'the bridge was not made anew');
  assert.match(virshOk('net-dumpxml', name), /<host mac='52:54:00:ee:00:01' name='web' ip='[\d.]+20'\/>/);
  lab = updated.state;

  // Drift made with virsh shows in the refresh.
  virshOk('net-update', name, 'add', 'dns-host', `<host ip='${net}30'><hostname>drift</hostname></host>`, '--live', '--config');
  const refreshed = await refresh(lab);
  assert.equal(refreshed.gone, false);
  assert.deepEqual(refreshed.read.inputs.dns.hosts, [{ ip: `${net}30`, hostnames: ['drift'] }]);
  assert.equal(refreshed.diff.changes, DiffChanges.DIFF_SOME);
  assert.ok(Object.keys(refreshed.diff.detailed).every((k) => k.startsWith('dns')), JSON.stringify(refreshed.diff.detailed));

  // The next up undoes it, live.
  const undone = await upExisting(refreshed.state, withHost);
  assert.equal(undone.op, 'update');
  assert.doesNotMatch(virshOk('net-dumpxml', name), /drift/);
  lab = undone.state;

  // Import by name: the inputs a person would write; the next up of them changes nothing.
  const imported = await importResource(NETWORK, 'imported', name);
  assert.equal(imported.exists, true);
  assert.equal(imported.read.id, lab.id);
  assert.deepEqual(imported.read.inputs.addresses, [subnet]);
  assert.equal(imported.read.inputs.dhcp.ranges, undefined, 'default ranges are left out');
  assert.deepEqual(imported.check.failures, []);
  assert.equal(imported.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(imported.diff.detailed));

  // A domain defined on it: destroy is refused, naming it.
  const domain = `${RUN}-user`;
  const xml = path.join(tmp, 'dom.xml');
  fs.writeFileSync(xml, `<domain type='qemu'><name>${domain}</name><memory unit='MiB'>64</memory><os><type>hvm</type></os>
<devices><interface type='network'><source network='${name}'/></interface></devices></domain>`);
  virshOk('define', xml);
  const refused = await expectStatus(destroy(lab), (e) => assert.equal(e.code, grpc.status.FAILED_PRECONDITION));
  assert.match(refused.details, new RegExp(`'${domain}'`));
  assert.equal(networkActive(name), true);
  virshOk('undefine', domain);

  // A new name replaces it, the old one deleted first (its subnet and bridge cannot exist twice).
  const renamed = await upExisting(lab, { ...withHost, name: `${name}2` }, {
    between: async () => assert.equal(networkActive(name), null, 'the old network is gone before the new one is made'),
  });
  assert.deepEqual(renamed.diff.replaces, ['name']);
  assert.equal(renamed.diff.detailed.name, Kind.UPDATE_REPLACE);
  assert.equal(renamed.op, 'delete-before-replace');
  assert.equal(networkActive(`${name}2`), true);
  lab = renamed.state;

  await destroy(lab);
  assert.equal(networkActive(`${name}2`), null);
  await destroy(lab); // already gone: still a success
});
