'use strict';
// Engine suite for Snapshot: replays, against the real libvirtd (qemu:///system), the call sequences Pulumi's engine
// makes (engine-steps.js) for a snapshot of a Domain of the same stack: create (Check, then Create with no Diff), a
// no-op up, a restoreOn change (Check, Diff, Update: the revert), refresh after a delete outside, import by
// domain/name, and destroy with the machine (the Snapshot deleted first, then the Domain, as the engine orders it).
// Run from the repository root after `make build`: node --test tests/interop/engine-snapshot.test.js
//
// Everything it makes is named after one run prefix (engsnap-<pid>-<random>): a directory pool and the domains in it.
// after() removes only those, with their snapshots.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const { DiffChanges, ProviderProcess } = require('./provider-client.js');
const { expectLibvirt, virsh, virshNames, virshOk, engineSteps } = require('./engine-steps.js');

const SNAPSHOT = 'libvirt:index:Snapshot';
const DOMAIN = 'libvirt:index:Domain';
const RUN = `engsnap-${process.pid.toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
const POOL = `${RUN}-pool`;

const snapshotsOf = (domain) => (virsh('snapshot-list', domain, '--name').stdout || '').split('\n').map((s) => s.trim()).filter(Boolean);
const domainExists = (name) => virsh('dominfo', name).status === 0;

// Whether the first 64 KiB of the qcow2 file hold the pattern qemu-io wrote (qemu-io fails when they do not).
const qemuIo = (file, command) => spawnSync('qemu-io', ['-f', 'qcow2', '-c', command, file], { encoding: 'utf8' });
const hasData = (file) => qemuIo(file, 'read -P 0xab 0 64k').status === 0;

let p;
let up, destroy, upExisting, refresh, importResource;
let poolDir;

before(async () => {
  expectLibvirt();
  poolDir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN}-`));
  fs.chmodSync(poolDir, 0o755); // qemu runs as another user and must reach the disks
  virshOk('pool-create-as', POOL, 'dir', '--target', poolDir);
  p = new ProviderProcess({ project: 'engsnap' });
  await p.start();
  await p.configure('qemu:///system');
  ({ up, destroy, upExisting, refresh, importResource } = engineSteps(p));
});

after(async () => {
  try {
    if (p) await p.stop();
  } finally {
    for (const name of virshNames('list', RUN)) {
      virsh('destroy', name);
      virsh('undefine', name, '--snapshots-metadata');
    }
    virsh('pool-destroy', POOL);
    if (poolDir) fs.rmSync(poolDir, { recursive: true, force: true });
  }
});

// pkg/resource/deploy/step_generator.go (Check, Diff, Update), step.go (CreateStep, DeleteStep), import.go, refresh.
test('Snapshot: create, no-op up, restoreOn change reverts, refresh after a delete outside, import, destroy with the machine', async () => {
  virshOk('vol-create-as', POOL, `${RUN}-disk.qcow2`, '16M', '--format', 'qcow2');
  const disk = virshOk('vol-key', '--pool', POOL, `${RUN}-disk.qcow2`).trim();
  const machine = await up(DOMAIN, 'machine', { name: `${RUN}-vm`, type: 'qemu', memory: 48, disks: [{ volume: disk }], running: false });
  const domName = machine.inputs.name;

  // Create: Check then Create, no Diff. The name is autonamed after the resource.
  const program = { domain: machine.outputs.uuid, description: 'before the exercise', restoreOn: '1' };
  let snap = await up(SNAPSHOT, 'start', program);
  const snapName = snap.outputs.name;
  assert.match(snapName, /^start-[0-9a-f]{7}$/);
  assert.equal(snap.id, `${machine.outputs.uuid}/${snapName}`);
  assert.equal(snap.outputs.state, 'shutoff');
  assert.deepEqual(snap.outputs.disks, ['vda']);
  assert.deepEqual(snapshotsOf(domName), [snapName]);

  // A no-op up: Check keeps the autoname, Diff answers no change.
  const same = await upExisting(snap, program);
  assert.equal(same.op, 'same', JSON.stringify(same.diff.detailed));
  assert.equal(same.check.inputs.name, snapName);
  snap = same.state;

  // A restoreOn change is an in-place update that reverts the disk.
  assert.equal(qemuIo(disk, 'write -P 0xab 0 64k').status, 0);
  assert.ok(hasData(disk));
  const reverted = await upExisting(snap, { ...program, restoreOn: '2' });
  assert.equal(reverted.op, 'update');
  assert.deepEqual(reverted.diff.replaces, []);
  assert.deepEqual(Object.keys(reverted.diff.detailed), ['restoreOn']);
  assert.equal(hasData(disk), false, 'the revert must drop what was written after the snapshot');
  snap = reverted.state;

  // Import by domain/name: the inputs a person would write; the next up of them changes nothing.
  const imported = await importResource(SNAPSHOT, 'imported', `${domName}/${snapName}`);
  assert.equal(imported.exists, true);
  assert.equal(imported.read.id, snap.id);
  assert.equal(imported.read.inputs.domain, domName);
  assert.equal(imported.read.inputs.name, snapName);
  assert.equal(imported.read.inputs.description, 'before the exercise');
  assert.deepEqual(imported.check.failures, []);
  assert.equal(imported.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(imported.diff.detailed));
  const missing = await importResource(SNAPSHOT, 'missing', `${domName}/no-such-snapshot`);
  assert.equal(missing.exists, false);

  // Refresh after a delete outside: Read answers no id, and the engine drops the snapshot.
  const other = await up(SNAPSHOT, 'other', { domain: domName });
  virshOk('snapshot-delete', domName, other.outputs.name);
  const gone = await refresh(other);
  assert.equal(gone.gone, true);
  assert.equal(gone.read.id, '');

  // Destroy: the Snapshot depends on the Domain, so it is deleted first; deleting it again still succeeds.
  await destroy(snap);
  assert.deepEqual(snapshotsOf(domName), []);
  assert.ok(domainExists(domName), 'deleting a snapshot must leave its machine');
  await destroy(snap);
  await destroy(machine);
  assert.equal(domainExists(domName), false);
});
