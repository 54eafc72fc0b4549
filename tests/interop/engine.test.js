'use strict';
// Engine suite: replays, against the real libvirtd (qemu:///system), the call sequences Pulumi's engine makes for
// Volume, Domain and Clone: up, preview, update, replacement (both orders), `up --replace`, refresh with drift,
// import, destroy and Cancel. The sequences come from pulumi/pulumi (each test names its file); the client is
// provider-client.js (Pulumi's own generated stubs). Run from the repository root: node --test tests/interop/
//
// Everything it makes is named after one run prefix (eng-<pid>-<random>): a transient directory pool, an isolated
// transient network, template domains and volumes. after() removes them even when tests fail, and touches nothing
// else. It needs libvirtd running (make test starts it): a missing one is a failure, never a skip.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const { grpc, UNKNOWN, Kind, DiffChanges, ProviderProcess } = require('./provider-client.js');
const { URI, newSeed, sleep, within, expectLibvirt, virsh, virshNames, virshOk, engineSteps, expectStatus, statusName } = require('./engine-steps.js');

const VOLUME = 'libvirt:index:Volume';
const DOMAIN = 'libvirt:index:Domain';
const CLONE = 'libvirt:index:Clone';
const MiB = 1024 * 1024;

const RUN = `eng-${process.pid.toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
const POOL = `${RUN}-pool`;
const NET = `${RUN}-net`;
const BRIDGE = `veng${crypto.randomBytes(3).toString('hex')}`; // at most 15 characters
const TEMPLATE = `${RUN}-tpl`; // a shut-off qemu domain with a blank qcow2 disk, the source of clones
const TEMPLATE_MIB = 64;
let poolDir;
let templateDiskPath;

// --- libvirt, seen from outside the provider --------------------------------------------------------------------

const domainUuid = (name) => {
  const r = virsh('domuuid', name);
  return r.status === 0 ? r.stdout.trim() : null;
};
const domainExists = (nameOrUuid) => virsh('dominfo', nameOrUuid).status === 0;
const domainState = (name) => virshOk('domstate', name).trim();
const inactiveXml = (name) => virshOk('dumpxml', '--inactive', name);
const macsOf = (name) => [...inactiveXml(name).matchAll(/<mac address='([0-9a-f:]+)'\/>/g)].map((m) => m[1]);
const memoryKiBOf = (name) => Number(/<memory unit='KiB'>(\d+)<\/memory>/.exec(inactiveXml(name))[1]);
const volumeExists = (name) => virsh('vol-info', '--pool', POOL, name).status === 0;
const volumeCapacity = (name) => Number(/Capacity:\s+(\d+) bytes/.exec(virshOk('vol-info', '--pool', POOL, name, '--bytes'))[1]);

// A qcow2 volume in the run's pool, made outside the provider; answers its key (its path, in a directory pool).
function makeDiskVolume(name, size = '16M') {
  virshOk('vol-create-as', POOL, name, size, '--format', 'qcow2');
  return virshOk('vol-key', '--pool', POOL, name).trim();
}

// A shut-off qemu domain defined outside the provider, with one disk and one interface on the run's network.
function defineDomain(name, diskXml) {
  const file = path.join(poolDir, `${name}.xml`);
  fs.writeFileSync(file, `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='KiB'>${TEMPLATE_MIB * 1024}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    ${diskXml}
    <interface type='network'><source network='${NET}'/><model type='virtio'/></interface>
  </devices>
</domain>`);
  virshOk('define', file);
  fs.rmSync(file);
  return domainUuid(name);
}

// The command lines of live processes that mention text (an exited, unreaped process has none).
function processesNaming(text) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline.slice(0, 120)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

// --- the engine's sequences (engine-steps.js) -------------------------------------------------------------------

let p; // the provider process most tests use, as one engine would start it
let preview, up, destroy, upExisting, upReplace, refresh, importResource;

// --- setup and cleanup ------------------------------------------------------------------------------------------

before(async () => {
  expectLibvirt();
  poolDir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN}-`));
  fs.chmodSync(poolDir, 0o755); // qemu runs as another user and must reach the disks
  virshOk('pool-create-as', POOL, 'dir', '--target', poolDir);
  const netXml = path.join(poolDir, 'net.xml');
  fs.writeFileSync(netXml, `<network><name>${NET}</name><bridge name='${BRIDGE}'/></network>`);
  virshOk('net-create', netXml);
  fs.rmSync(netXml);
  templateDiskPath = makeDiskVolume(`${TEMPLATE}.qcow2`);
  defineDomain(TEMPLATE, `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${templateDiskPath}'/><target dev='vda' bus='virtio'/></disk>`);

  p = new ProviderProcess({ project: 'engine' });
  await p.start();
  await p.configure(URI);
  ({ preview, up, destroy, upExisting, upReplace, refresh, importResource } = engineSteps(p));
});

after(async () => {
  try {
    if (p) await p.stop();
  } finally {
    // Our domains are exactly those named with the run prefix.
    const names = virshNames('list', RUN);
    for (const name of names) {
      virsh('destroy', name);
      if (virsh('undefine', name, '--nvram', '--managed-save', '--snapshots-metadata').status !== 0) virsh('undefine', name);
    }
    virsh('pool-destroy', POOL);
    virsh('net-destroy', NET);
    if (poolDir) fs.rmSync(poolDir, { recursive: true, force: true });
  }
});

// --- Volume -----------------------------------------------------------------------------------------------------

// pkg/resource/deploy/step_generator.go (Check, Diff, Update, replacement) and step.go (CreateStep with preview).
test('Volume: preview makes nothing; up; a no-op up; growing updates in place; shrinking replaces create-before-delete with a new name', async () => {
  const name = `${RUN}-vol`;
  const autoname = new RegExp(`^${name}-[0-9a-f]{7}$`);
  const program = { pool: POOL, capacity: MiB };

  const planned = await preview(VOLUME, name, program);
  assert.equal(planned.id, '');
  assert.equal(planned.outputs.key, UNKNOWN);
  assert.match(planned.checked.inputs.name, autoname);
  assert.equal(volumeExists(planned.checked.inputs.name), false, 'a preview must not make the volume');

  let vol = await up(VOLUME, name, program);
  assert.match(vol.inputs.name, autoname);
  assert.deepEqual(vol.inputs.__defaults, ['name']);
  assert.notEqual(vol.inputs.name, planned.checked.inputs.name, 'the up has its own seed, so its own name');
  assert.equal(vol.id, vol.outputs.key);
  assert.equal(volumeCapacity(vol.inputs.name), MiB);

  const same = await upExisting(vol, program);
  assert.equal(same.op, 'same');
  assert.equal(same.check.inputs.name, vol.inputs.name, 'Check with olds keeps the automatic name');
  vol = same.state;

  const grown = await upExisting(vol, { ...program, capacity: 2 * MiB });
  assert.equal(grown.op, 'update');
  assert.deepEqual(grown.diff.detailed, { capacity: Kind.UPDATE });
  assert.equal(grown.state.outputs.key, vol.id);
  assert.equal(volumeCapacity(vol.inputs.name), 2 * MiB);
  vol = grown.state;

  const oldName = vol.inputs.name;
  const shrunk = await upExisting(vol, program, {
    between: async () => assert.ok(volumeExists(oldName), 'create-before-delete: the old volume exists while the new one is made'),
  });
  assert.deepEqual(shrunk.diff.replaces, ['capacity']);
  assert.deepEqual(shrunk.diff.detailed, { capacity: Kind.UPDATE_REPLACE });
  assert.equal(shrunk.diff.deleteBeforeReplace, false, 'an automatic name is made afresh: no need to delete first');
  assert.equal(shrunk.op, 'create-before-delete');
  assert.match(shrunk.replacementCheck.inputs.name, autoname);
  assert.notEqual(shrunk.replacementCheck.inputs.name, oldName);
  assert.equal(volumeExists(oldName), false);
  assert.equal(volumeCapacity(shrunk.state.inputs.name), MiB);
  vol = shrunk.state;

  await destroy(vol);
  assert.equal(volumeExists(vol.inputs.name), false);
  await destroy(vol); // already gone: still a success
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds; deleteBeforeReplace order).
test('Volume: an explicit name in the same pool replaces delete-before-replace, and the second Check accepts the name', async () => {
  const name = `${RUN}-vol-named`;
  const program = { name, pool: POOL, capacity: 2 * MiB };
  const vol = await up(VOLUME, 'volnamed', program);
  assert.equal(vol.inputs.__defaults, undefined);

  const replaced = await upExisting(vol, { ...program, capacity: MiB }, {
    between: async () => assert.equal(volumeExists(name), false, 'the old volume is deleted before the new one is made'),
  });
  assert.deepEqual(replaced.diff.replaces, ['capacity']);
  assert.equal(replaced.diff.deleteBeforeReplace, true);
  assert.equal(replaced.op, 'delete-before-replace');
  assert.equal(replaced.replacementCheck.inputs.name, name);
  assert.equal(volumeCapacity(name), MiB);
  await destroy(replaced.state);
  assert.equal(volumeExists(name), false);
});

// pkg/resource/deploy/step_generator.go (isTargetedReplace: Check with no olds, no Diff, create-before-delete).
test('Volume: up --replace of an automatically named volume makes a new one, then deletes the old', async () => {
  const program = { pool: POOL, capacity: MiB };
  const vol = await up(VOLUME, `${RUN}-volrep`, program);
  const replaced = await upReplace(vol, program);
  assert.notEqual(replaced.check.inputs.name, vol.inputs.name);
  assert.equal(volumeExists(vol.inputs.name), false);
  assert.equal(volumeCapacity(replaced.state.inputs.name), MiB);
  await destroy(replaced.state);
  assert.equal(volumeExists(replaced.state.inputs.name), false);
});

// pkg/resource/deploy/step.go (RefreshStep.Apply: Read, then the inverted Diff) and step_generator.go (next up).
test('Volume: refresh shows a size changed outside, and the next up undoes it (grow back in place; a grown one is replaced)', async () => {
  const program = { pool: POOL, capacity: 4 * MiB };
  let vol = await up(VOLUME, `${RUN}-voldrift`, program);
  const volName = vol.inputs.name;
  const clean = await refresh(vol);
  assert.equal(clean.diff.changes, DiffChanges.DIFF_NONE, `nothing changed: ${JSON.stringify(clean.diff.detailed)}`);
  // Identical, Check's record of defaults included: the engine compares them to see whether the refresh changed anything.
  assert.deepEqual(clean.read.inputs, vol.inputs, 'a refresh with nothing changed reads back the same inputs');

  // Shrunk outside: refresh reads the live size into the inputs, the refresh diff shows it, the next up grows it back.
  virshOk('vol-resize', '--pool', POOL, volName, String(2 * MiB), '--shrink');
  const shrunk = await refresh(vol);
  assert.equal(shrunk.gone, false);
  assert.equal(shrunk.read.inputs.capacity, 2 * MiB);
  assert.equal(shrunk.read.outputs.capacity, 2 * MiB);
  assert.deepEqual(shrunk.diff.detailed, { capacity: Kind.UPDATE });
  const fixed = await upExisting(shrunk.state, program);
  assert.equal(fixed.op, 'update', 'growing back to the program\'s size is done in place');
  assert.deepEqual(fixed.diff.detailed, { capacity: Kind.UPDATE });
  assert.equal(volumeCapacity(volName), 4 * MiB);
  vol = fixed.state;

  // Grown outside: the program's smaller size can only be had by a replacement.
  virshOk('vol-resize', '--pool', POOL, volName, String(8 * MiB));
  const grown = await refresh(vol);
  assert.equal(grown.read.inputs.capacity, 8 * MiB);
  assert.deepEqual(grown.diff.detailed, { capacity: Kind.UPDATE_REPLACE });
  const replaced = await upExisting(grown.state, program);
  assert.deepEqual(replaced.diff.replaces, ['capacity']);
  assert.equal(replaced.op, 'create-before-delete');
  assert.equal(volumeExists(volName), false);
  assert.equal(volumeCapacity(replaced.state.inputs.name), 4 * MiB);
  await destroy(replaced.state);
});

// pkg/resource/deploy/step.go (ImportStep.Apply) and import.go.
test('Volume: import by key derives inputs that Check accepts with no diff; a missing key does not exist', async () => {
  const volName = `${RUN}-volimp.qcow2`;
  const key = makeDiskVolume(volName, '3M');
  const imported = await importResource(VOLUME, 'volimp', key);
  assert.equal(imported.exists, true);
  assert.equal(imported.read.id, key);
  assert.equal(imported.read.inputs.name, volName);
  assert.equal(imported.read.inputs.pool, POOL);
  assert.equal(imported.read.inputs.capacity, 3 * MiB);
  assert.deepEqual(imported.check.failures, []);
  assert.equal(imported.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(imported.diff.detailed));
  await destroy(imported.state);
  assert.equal(volumeExists(volName), false);

  const missing = await importResource(VOLUME, 'volmissing', path.join(poolDir, `${RUN}-no-such-volume`));
  assert.equal(missing.exists, false);
  assert.equal(missing.read.hasProperties, false, 'a missing volume must answer no properties');
  assert.equal(missing.read.id, '');
});

// --- Domain -----------------------------------------------------------------------------------------------------

const domainProgram = (disk, extra = {}) => ({
  type: 'qemu',
  memory: 48,
  vcpus: 1,
  disks: [{ volume: disk }],
  networkInterfaces: [{ network: NET }],
  running: false,
  shutdownTimeout: 1,
  ...extra,
});

// pkg/resource/deploy/step_generator.go (Check, Diff, Update) and step.go (CreateStep preview, DeleteStep).
test('Domain: preview defines nothing; up; a no-op up; memory, description and running change in place', async () => {
  const name = `${RUN}-dom`;
  const disk = makeDiskVolume(`${RUN}-dom.qcow2`);
  const program = domainProgram(disk);

  const planned = await preview(DOMAIN, name, program);
  assert.equal(planned.id, '');
  assert.equal(planned.outputs.uuid, UNKNOWN);
  assert.equal(planned.outputs.macs, UNKNOWN);
  assert.equal(domainExists(planned.checked.inputs.name), false, 'a preview must not define the domain');

  let dom = await up(DOMAIN, name, program);
  const domName = dom.inputs.name;
  assert.match(domName, new RegExp(`^${name}-[0-9a-f]{7}$`));
  assert.deepEqual(dom.inputs.__defaults, ['name']);
  assert.equal(domainUuid(domName), dom.id);
  assert.equal(domainState(domName), 'shut off');
  assert.match(inactiveXml(domName), /<domain type='qemu'/);
  assert.equal(memoryKiBOf(domName), 48 * 1024);
  assert.deepEqual(macsOf(domName), dom.outputs.macs);
  assert.equal(dom.outputs.macs.length, 1);

  const same = await upExisting(dom, program);
  assert.equal(same.op, 'same', JSON.stringify(same.diff.detailed));
  dom = same.state;

  const changed = await upExisting(dom, { ...program, memory: 64, description: 'changed in place', running: true });
  assert.equal(changed.op, 'update');
  assert.deepEqual(changed.diff.detailed, { memory: Kind.UPDATE, description: Kind.ADD, running: Kind.UPDATE });
  assert.equal(changed.state.id, dom.id);
  assert.deepEqual(changed.state.outputs.macs, dom.outputs.macs, 'an update keeps the MAC');
  assert.equal(memoryKiBOf(domName), 64 * 1024);
  assert.equal(domainState(domName), 'running');
  assert.equal(virshOk('desc', domName).trim(), 'changed in place');
  dom = changed.state;

  // A refresh of the running domain finds nothing changed.
  const refreshed = await refresh(dom);
  assert.equal(refreshed.read.outputs.state, 'running');
  assert.equal(refreshed.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(refreshed.diff.detailed));
  dom = refreshed.state;

  await destroy(dom);
  assert.equal(domainExists(dom.id), false);
  await destroy(dom); // already gone: still a success
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds, create-before-delete by default).
test('Domain: replacing an automatically named domain with no MAC on another disk creates the new one first', async () => {
  const name = `${RUN}-domcbd`;
  const disk1 = makeDiskVolume(`${RUN}-domcbd-1.qcow2`);
  const disk2 = makeDiskVolume(`${RUN}-domcbd-2.qcow2`);
  const dom = await up(DOMAIN, name, domainProgram(disk1, { running: true }));
  assert.equal(domainState(dom.inputs.name), 'running');

  const replaced = await upExisting(dom, domainProgram(disk2, { firmware: 'efi' }), {
    between: async () => assert.ok(domainExists(dom.id), 'create-before-delete: the old domain exists while the new one is made'),
  });
  assert.deepEqual(replaced.diff.replaces, ['firmware']);
  assert.equal(replaced.diff.deleteBeforeReplace, false);
  assert.equal(replaced.op, 'create-before-delete');
  assert.notEqual(replaced.replacementCheck.inputs.name, dom.inputs.name);
  assert.equal(domainExists(dom.id), false);
  const newName = replaced.state.inputs.name;
  assert.equal(domainUuid(newName), replaced.state.id);
  assert.match(inactiveXml(newName), /<os firmware='efi'>/);
  await destroy(replaced.state);
  assert.equal(domainExists(replaced.state.id), false);
});

// pkg/resource/deploy/step_generator.go (replacement with deleteBeforeReplace from Diff).
test('Domain: a running domain replaced on the same writable disk is deleted before the new one is made', async () => {
  const disk = makeDiskVolume(`${RUN}-domdisk.qcow2`);
  const dom = await up(DOMAIN, `${RUN}-domdisk`, domainProgram(disk, { running: true }));
  assert.equal(domainState(dom.inputs.name), 'running');

  const replaced = await upExisting(dom, domainProgram(disk, { firmware: 'efi' }), {
    between: async () => assert.equal(domainExists(dom.id), false, 'the old domain is gone before the new one is made'),
  });
  assert.deepEqual(replaced.diff.replaces, ['firmware']);
  assert.equal(replaced.diff.deleteBeforeReplace, true, 'two machines must never write one disk');
  assert.equal(replaced.op, 'delete-before-replace');
  const xml = inactiveXml(replaced.state.inputs.name);
  assert.ok(xml.includes(`<source file='${disk}'`), 'the new domain uses the same disk');
  await destroy(replaced.state);
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds; deleteBeforeReplace).
test('Domain: an explicit name replaces delete-before-replace; the second Check accepts the own name, not another domain\'s', async () => {
  const domName = `${RUN}-domnamed`;
  const disk = makeDiskVolume(`${RUN}-domnamed.qcow2`);
  const program = domainProgram(disk, { name: domName, running: true });
  const dom = await up(DOMAIN, 'domnamed', program);

  const replaced = await upExisting(dom, { ...program, firmware: 'efi', running: false });
  assert.deepEqual(replaced.diff.replaces, ['firmware']);
  assert.equal(replaced.diff.deleteBeforeReplace, true);
  assert.deepEqual(replaced.replacementCheck.failures, []);
  assert.equal(replaced.op, 'delete-before-replace');
  assert.equal(domainExists(dom.id), false);
  assert.equal(domainUuid(domName), replaced.state.id);
  assert.notEqual(replaced.state.id, dom.id);

  // The same name for another resource, or the name of a domain this provider did not make, is still taken; so is
  // the disk, which the replacement now writes.
  const other = await p.check(DOMAIN, 'domother', { ...program, name: domName });
  assert.deepEqual(other.failures.map((f) => f.property), ['name', 'disks[0].volume']);
  const template = await p.check(DOMAIN, 'domother', { ...program, name: TEMPLATE });
  assert.deepEqual(template.failures.map((f) => f.property), ['name', 'disks[0].volume']);
  await destroy(replaced.state);
  assert.equal(domainExists(domName), false);
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds; deleteBeforeReplace).
test('Domain: an explicit MAC equal to the old one replaces delete-before-replace and is kept; another domain\'s MAC fails Check', async () => {
  const mac = `52:54:00:${crypto.randomBytes(3).toString('hex').match(/../g).join(':')}`;
  const disk1 = makeDiskVolume(`${RUN}-dommac-1.qcow2`);
  const disk2 = makeDiskVolume(`${RUN}-dommac-2.qcow2`);
  const dom = await up(DOMAIN, `${RUN}-dommac`, domainProgram(disk1, { networkInterfaces: [{ network: NET, mac }] }));
  assert.deepEqual(dom.outputs.macs, [mac]);

  const program = domainProgram(disk2, { networkInterfaces: [{ network: NET, mac }], firmware: 'efi' });
  const replaced = await upExisting(dom, program);
  assert.deepEqual(replaced.diff.replaces, ['firmware']);
  assert.equal(replaced.diff.deleteBeforeReplace, true, 'the same MAC cannot be on two machines at once');
  assert.deepEqual(replaced.replacementCheck.failures, []);
  assert.equal(replaced.op, 'delete-before-replace');
  assert.equal(domainExists(dom.id), false);
  assert.deepEqual(macsOf(replaced.state.inputs.name), [mac]);
  assert.deepEqual(replaced.state.outputs.macs, [mac]);

  // That MAC for another resource, or the MAC of a domain this provider did not make, is still taken; so is the
  // disk, which the replacement now writes.
  const other = await p.check(DOMAIN, 'domother', program);
  assert.deepEqual(other.failures.map((f) => f.property), ['disks[0].volume', 'networkInterfaces[0].mac']);
  const templateMac = macsOf(TEMPLATE)[0];
  const template = await p.check(DOMAIN, 'domother', { ...program, networkInterfaces: [{ network: NET, mac: templateMac }] });
  assert.deepEqual(template.failures.map((f) => f.property), ['disks[0].volume', 'networkInterfaces[0].mac']);
  await destroy(replaced.state);
});

// pkg/resource/deploy/step_generator.go (isTargetedReplace: Check with no olds, a "replace" diff on id, no second
// Check, create-before-delete).
test('Domain: up --replace works for an automatic name; with an explicit name Create fails FAILED_PRECONDITION and the old one stays', async () => {
  const disk1 = makeDiskVolume(`${RUN}-domrep-1.qcow2`);
  const disk2 = makeDiskVolume(`${RUN}-domrep-2.qcow2`);
  const auto = await up(DOMAIN, `${RUN}-domrep`, domainProgram(disk1));
  const replaced = await upReplace(auto, domainProgram(disk1));
  assert.notEqual(replaced.state.inputs.name, auto.inputs.name);
  assert.equal(domainExists(auto.id), false);
  assert.equal(domainUuid(replaced.state.inputs.name), replaced.state.id);
  await destroy(replaced.state);

  const domName = `${RUN}-domrep-named`;
  const named = await up(DOMAIN, 'domrepnamed', domainProgram(disk2, { name: domName, running: true }));
  const stateBefore = domainState(domName);
  const err = await expectStatus(upReplace(named, domainProgram(disk2, { name: domName, running: true })), (e) => {
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION, `got ${statusName(e.code)}: ${e.details}`);
    assert.match(e.details, /deleteBeforeReplace/);
  });
  assert.ok(err);
  assert.equal(domainUuid(domName), named.id, 'the old domain is untouched');
  assert.equal(domainState(domName), stateBefore);
  await destroy(named);
  assert.equal(domainExists(domName), false);
});

// pkg/resource/deploy/step.go (RefreshStep.Apply: Read, then Diff with refreshed olds and old inputs as news) and
// step_generator.go (the next up: Check with the refreshed inputs as olds, Diff, Update).
test('Domain: refresh shows memory and running changed outside, the next up puts them back; a domain undefined outside is gone', async () => {
  const disk = makeDiskVolume(`${RUN}-domdrift.qcow2`);
  const program = domainProgram(disk, { memory: 64 });
  const dom = await up(DOMAIN, `${RUN}-domdrift`, program);
  const domName = dom.inputs.name;

  virshOk('setmaxmem', domName, '98304', '--config');
  virshOk('setmem', domName, '98304', '--config');
  const refreshed = await refresh(dom);
  assert.equal(refreshed.gone, false);
  assert.equal(refreshed.read.inputs.memory, 96);
  assert.deepEqual(refreshed.diff.detailed, { memory: Kind.UPDATE });

  const fixed = await upExisting(refreshed.state, program);
  assert.equal(fixed.op, 'update');
  assert.deepEqual(fixed.diff.detailed, { memory: Kind.UPDATE });
  assert.equal(memoryKiBOf(domName), 64 * 1024);
  assert.match(inactiveXml(domName), /<currentMemory unit='KiB'>65536<\/currentMemory>/);

  // A no-op refresh now shows nothing.
  const clean = await refresh(fixed.state);
  assert.equal(clean.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(clean.diff.detailed));

  // Started outside: refresh reads running: true, and the next up stops it again.
  virshOk('start', domName);
  const started = await refresh(clean.state);
  assert.equal(started.read.inputs.running, true);
  assert.deepEqual(started.diff.detailed, { running: Kind.UPDATE });
  const stopped = await upExisting(started.state, program);
  assert.equal(stopped.op, 'update');
  assert.deepEqual(stopped.diff.detailed, { running: Kind.UPDATE });
  assert.equal(domainState(domName), 'shut off');

  virshOk('undefine', domName);
  const gone = await refresh(stopped.state);
  assert.equal(gone.gone, true);
  assert.equal(gone.read.hasProperties, false);
});

// pkg/resource/deploy/step.go (ImportStep.Apply) and import.go.
test('Domain: import by UUID and by name derives inputs that Check accepts with no diff; a missing domain does not exist', async () => {
  const domName = `${RUN}-domimp`;
  const volName = `${RUN}-domimp.qcow2`;
  makeDiskVolume(volName);
  const uuid = defineDomain(domName, `<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/><source pool='${POOL}' volume='${volName}'/><target dev='vda' bus='virtio'/></disk>`);

  for (const id of [uuid, domName]) {
    const imported = await importResource(DOMAIN, 'domimp', id);
    assert.equal(imported.exists, true, `import by ${id}`);
    assert.equal(imported.read.id, uuid, 'the id is the UUID, however the domain was named');
    assert.equal(imported.read.inputs.name, domName);
    assert.equal(imported.read.inputs.type, 'qemu');
    assert.equal(imported.read.inputs.memory, TEMPLATE_MIB);
    assert.equal(imported.read.inputs.running, false);
    assert.deepEqual(imported.read.inputs.networkInterfaces.map((n) => n.network), [NET]);
    assert.deepEqual(imported.check.failures, [], `import by ${id}`);
    assert.equal(imported.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(imported.diff.detailed));
  }

  for (const id of [crypto.randomUUID(), `${RUN}-no-such-domain`]) {
    const missing = await importResource(DOMAIN, 'dommissing', id);
    assert.equal(missing.exists, false, `${id} does not exist`);
    assert.equal(missing.read.hasProperties, false);
  }
});

// pkg/resource/deploy/step.go (CreateStep.Apply: an error without ErrorResourceInitFailed means nothing was made).
test('Domain: on a missing bridge with running: true, Create fails without INTERNAL and leaves no domain', async () => {
  const domName = `${RUN}-dombridge`;
  const disk = makeDiskVolume(`${RUN}-dombridge.qcow2`);
  const program = domainProgram(disk, { name: domName, running: true, networkInterfaces: [{ bridge: `nobr${crypto.randomBytes(3).toString('hex')}` }] });
  const checked = await p.check(DOMAIN, 'dombridge', program, { olds: {}, seed: newSeed() });
  await expectStatus(p.create(DOMAIN, 'dombridge', checked.inputs), (e) => {
    assert.notEqual(e.code, grpc.status.INTERNAL, `INTERNAL tells the engine the state may be corrupt: ${e.details}`);
    assert.notEqual(e.code, grpc.status.UNKNOWN, `UNKNOWN (ErrorResourceInitFailed) records a domain that exists: ${e.details}`);
    assert.notEqual(e.code, grpc.status.CANCELLED, e.details);
  });
  assert.equal(domainExists(domName), false, 'the domain that could not start must be undefined again');
});

// --- Clone ------------------------------------------------------------------------------------------------------

const cloneProgram = (extra = {}) => ({ source: TEMPLATE, mode: 'linked', running: false, shutdownTimeout: 1, ...extra });

function backingOf(volName) {
  const m = /<backingStore>[\s\S]*?<path>([^<]+)<\/path>/.exec(virshOk('vol-dumpxml', '--pool', POOL, volName));
  return m ? m[1] : null;
}

// pkg/resource/deploy/step_generator.go (Check, Diff, replacement create-before-delete) and step.go (DeleteStep).
test('Clone: preview makes nothing; up a linked clone; a no-op up; a mode change replaces create-before-delete with a new name; destroy removes its volume', async () => {
  const name = `${RUN}-clone`;
  const planned = await preview(CLONE, name, cloneProgram());
  assert.equal(planned.id, '');
  assert.equal(planned.outputs.uuid, UNKNOWN);
  assert.equal(planned.outputs.volumes, UNKNOWN);
  assert.equal(domainExists(planned.checked.inputs.name), false, 'a preview must not make the clone');
  assert.equal(volumeExists(`${planned.checked.inputs.name}-vda.qcow2`), false);

  let clone = await up(CLONE, name, cloneProgram());
  const cloneName = clone.inputs.name;
  assert.match(cloneName, new RegExp(`^${name}-[0-9a-f]{7}$`));
  assert.deepEqual(clone.inputs.__defaults, ['name']);
  assert.equal(domainUuid(cloneName), clone.id);
  assert.equal(backingOf(`${cloneName}-vda.qcow2`), templateDiskPath);
  assert.deepEqual(clone.outputs.volumes.map((v) => [v.target, v.mode]), [['vda', 'linked']]);
  assert.equal(clone.outputs.memory, TEMPLATE_MIB);

  const same = await upExisting(clone, cloneProgram());
  assert.equal(same.op, 'same', JSON.stringify(same.diff.detailed));
  clone = same.state;

  const replaced = await upExisting(clone, cloneProgram({ mode: 'full' }), {
    between: async () => assert.ok(domainExists(clone.id), 'create-before-delete: the old clone exists while the new one is made'),
  });
  assert.deepEqual(replaced.diff.replaces, ['mode']);
  assert.equal(replaced.diff.deleteBeforeReplace, false);
  assert.equal(replaced.op, 'create-before-delete');
  const newName = replaced.state.inputs.name;
  assert.notEqual(newName, cloneName);
  assert.equal(domainExists(clone.id), false);
  assert.equal(volumeExists(`${cloneName}-vda.qcow2`), false, 'the old clone\'s volume is deleted with it');
  assert.ok(volumeExists(`${newName}-vda.qcow2`));
  assert.equal(backingOf(`${newName}-vda.qcow2`), null, 'a full clone is a copy');

  await destroy(replaced.state);
  assert.equal(domainExists(replaced.state.id), false);
  assert.equal(volumeExists(`${newName}-vda.qcow2`), false);
  assert.ok(volumeExists(`${TEMPLATE}.qcow2`), 'the template\'s disk is never deleted');
  await destroy(replaced.state); // already gone: still a success
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds; deleteBeforeReplace).
test('Clone: an explicit name replaces delete-before-replace, and the second Check accepts the own name', async () => {
  const cloneName = `${RUN}-clone-named`;
  const clone = await up(CLONE, 'clonenamed', cloneProgram({ name: cloneName }));
  const replaced = await upExisting(clone, cloneProgram({ name: cloneName, mode: 'full' }), {
    between: async () => assert.equal(domainExists(cloneName), false, 'the old clone is gone before the new one is made'),
  });
  assert.deepEqual(replaced.diff.replaces, ['mode']);
  assert.equal(replaced.diff.deleteBeforeReplace, true);
  assert.deepEqual(replaced.replacementCheck.failures, []);
  assert.equal(domainUuid(cloneName), replaced.state.id);
  assert.notEqual(replaced.state.id, clone.id);
  assert.equal(backingOf(`${cloneName}-vda.qcow2`), null);

  const other = await p.check(CLONE, 'cloneother', cloneProgram({ name: cloneName }));
  assert.deepEqual(other.failures.map((f) => f.property), ['name']);
  await destroy(replaced.state);
  assert.equal(domainExists(cloneName), false);
  assert.equal(volumeExists(`${cloneName}-vda.qcow2`), false);
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds; deleteBeforeReplace).
test('Clone: explicit macs equal to the old ones replace delete-before-replace and are kept; another clone\'s MAC fails Check', async () => {
  const mac = `52:54:00:${crypto.randomBytes(3).toString('hex').match(/../g).join(':')}`;
  const clone = await up(CLONE, `${RUN}-clonemac`, cloneProgram({ macs: [mac] }));
  assert.deepEqual(macsOf(clone.inputs.name), [mac]);

  const program = cloneProgram({ macs: [mac], mode: 'full' });
  const replaced = await upExisting(clone, program);
  assert.deepEqual(replaced.diff.replaces, ['mode']);
  assert.equal(replaced.diff.deleteBeforeReplace, true);
  assert.deepEqual(replaced.replacementCheck.failures, []);
  assert.equal(domainExists(clone.id), false);
  assert.deepEqual(macsOf(replaced.state.inputs.name), [mac]);

  const other = await p.check(CLONE, 'cloneother', program);
  assert.deepEqual(other.failures.map((f) => f.property), ['macs[0]']);
  await destroy(replaced.state);
});

// pkg/resource/deploy/step.go (RefreshStep.Apply) and step_generator.go (the next up).
test('Clone: memory set outside on a clone that leaves it to its source shows in refresh, and the next up puts the source\'s back', async () => {
  const program = cloneProgram();
  const clone = await up(CLONE, `${RUN}-clonedrift`, program);
  const cloneName = clone.inputs.name;
  assert.equal(clone.inputs.memory, undefined);

  virshOk('setmaxmem', cloneName, '98304', '--config');
  virshOk('setmem', cloneName, '98304', '--config');
  const refreshed = await refresh(clone);
  assert.equal(refreshed.read.inputs.memory, 96);
  assert.ok('memory' in refreshed.diff.detailed, `the refresh diff must show memory: ${JSON.stringify(refreshed.diff.detailed)}`);

  const fixed = await upExisting(refreshed.state, program);
  assert.equal(fixed.op, 'update');
  assert.ok('memory' in fixed.diff.detailed, JSON.stringify(fixed.diff.detailed));
  assert.deepEqual(fixed.diff.replaces, []);
  assert.equal(memoryKiBOf(cloneName), TEMPLATE_MIB * 1024);
  assert.equal(fixed.state.outputs.memory, TEMPLATE_MIB);

  const clean = await refresh(fixed.state);
  assert.equal(clean.read.inputs.memory, undefined, 'the memory is the source\'s again');
  assert.equal(clean.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(clean.diff.detailed));
  await destroy(fixed.state);
});

// pkg/resource/deploy/step.go (ImportStep.Apply) and import.go.
test('Clone: import of a clone by UUID and by name derives inputs that Check accepts with no diff', async () => {
  const clone = await up(CLONE, `${RUN}-cloneimp`, cloneProgram());
  for (const id of [clone.id, clone.inputs.name]) {
    const imported = await importResource(CLONE, 'cloneimp', id);
    assert.equal(imported.exists, true);
    assert.equal(imported.read.id, clone.id);
    assert.equal(imported.read.inputs.source, TEMPLATE);
    assert.equal(imported.read.inputs.mode, 'linked');
    assert.equal(imported.read.inputs.name, clone.inputs.name);
    assert.deepEqual(imported.check.failures, []);
    assert.equal(imported.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(imported.diff.detailed));
  }
  const missing = await importResource(CLONE, 'clonemissing', crypto.randomUUID());
  assert.equal(missing.exists, false);
  await destroy(clone);
});

// pkg/resource/plugin/provider_plugin.go (Cancel) and pkg/resource/deploy/deployment_executor.go (Cancel on
// interrupt; an attached provider serves the next deployment).
test('Clone: Cancel during a long create (identity) ends it CANCELLED, leaves nothing, and the process serves the next deployment', async () => {
  const q = new ProviderProcess({ project: 'engine' });
  try {
    await q.start();
    await q.configure(URI, { guestfsBackendSettings: 'force_tcg' });
    const name = `${RUN}-sysprep`;
    const checked = await q.check(CLONE, name, cloneProgram({ identity: {} }), { olds: {}, seed: newSeed() });
    assert.deepEqual(checked.failures, [], 'virt-sysprep must be installed (make test installs libguestfs-tools)');
    const cloneName = checked.inputs.name;

    let finishedEarly = false;
    const outcome = q.create(CLONE, name, checked.inputs, { timeoutMs: 240_000 })
      .then((res) => ({ res }), (err) => ({ err }))
      .finally(() => { finishedEarly = true; });
    await sleep(3_000);
    assert.equal(finishedEarly, false, 'the create ended before Cancel was sent');
    const cancelledAt = Date.now();
    await q.cancel();
    const result = await within(outcome, 60_000);
    const seconds = (Date.now() - cancelledAt) / 1000;
    assert.ok(!result.timeout, 'the create did not end within 60 s of Cancel');
    assert.ok(result.err, `the create must fail after Cancel, it answered ${JSON.stringify(result.res)}`);
    assert.equal(result.err.code, grpc.status.CANCELLED,
      `expected CANCELLED, got ${statusName(result.err.code)} after ${seconds} s: ${result.err.details}`);

    assert.equal(domainExists(cloneName), false, 'no clone domain is left');
    assert.equal(volumeExists(`${cloneName}-vda.qcow2`), false, 'no clone volume is left');
    // Nor a virt-sysprep or libguestfs appliance still working on the clone's disk.
    const diskPath = path.join(poolDir, `${cloneName}-vda.qcow2`);
    let users = processesNaming(diskPath);
    for (let i = 0; i < 50 && users.length > 0; i++) {
      await sleep(200);
      users = processesNaming(diskPath);
    }
    assert.deepEqual(users, [], `processes still use ${diskPath} after Cancel`);

    // The same process serves the next deployment.
    const vol = await up(VOLUME, `${RUN}-aftercancel`, { pool: POOL, capacity: MiB }, { provider: q });
    assert.equal(volumeCapacity(vol.inputs.name), MiB);
    await destroy(vol, q);
    assert.equal(volumeExists(vol.inputs.name), false);
  } finally {
    await q.stop();
  }
});

// --- destroy ----------------------------------------------------------------------------------------------------

// pkg/resource/deploy/step_generator.go (GenerateDeletes / ScheduleDeletes: reverse dependency order) and step.go
// (DeleteStep).
test('destroy deletes clone, template domain, overlay and base in reverse dependency order; deleting them again succeeds', async () => {
  const base = await up(VOLUME, `${RUN}-base`, { pool: POOL, capacity: 4 * MiB });
  const overlay = await up(VOLUME, `${RUN}-overlay`, { pool: POOL, backingStore: { volume: base.id } });
  assert.equal(overlay.outputs.capacity, 4 * MiB);
  const domain = await up(DOMAIN, `${RUN}-stackdom`, domainProgram(overlay.id));
  const clone = await up(CLONE, `${RUN}-stackclone`, cloneProgram({ source: domain.inputs.name, running: true }));
  assert.equal(backingOf(`${clone.inputs.name}-vda.qcow2`), overlay.outputs.path);
  assert.equal(domainState(clone.inputs.name), 'running');

  await destroy(clone);
  assert.equal(domainExists(clone.id), false);
  assert.equal(volumeExists(`${clone.inputs.name}-vda.qcow2`), false);
  await destroy(domain);
  assert.equal(domainExists(domain.id), false);
  await destroy(overlay);
  assert.equal(volumeExists(overlay.inputs.name), false);
  await destroy(base);
  assert.equal(volumeExists(base.inputs.name), false);

  for (const gone of [clone, domain, overlay, base]) await destroy(gone);
});
