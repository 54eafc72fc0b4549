'use strict';
// Engine suite for Pool: replays, against the real libvirtd (qemu:///system), the call sequences Pulumi's engine makes
// (engine-steps.js) for a storage pool and a Volume inside it: preview, up, no-op, update in place, replacement in
// both orders, refresh with drift, import and destroy in dependency order. Run from the repository root after
// make build: node --test tests/interop/engine-pool.test.js
//
// Everything it makes is named after its own run prefix (engpool-<pid>-<random>): pools, their folders under the
// temporary folder, volumes in them. after() removes exactly those, even when tests fail.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const { grpc, UNKNOWN, Kind, DiffChanges, ProviderProcess } = require('./provider-client.js');
const { expectLibvirt, virsh, virshNames, virshOk, engineSteps, expectStatus, statusName } = require('./engine-steps.js');

const POOL = 'libvirt:index:Pool';
const VOLUME = 'libvirt:index:Volume';
const MiB = 1024 * 1024;

const RUN = `engpool-${process.pid.toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
const folder = (hint) => path.join(os.tmpdir(), `${RUN}-${hint}`);

const poolExists = (nameOrUuid) => virsh('pool-info', nameOrUuid).status === 0;
const poolInfo = (name) => virshOk('pool-info', name);
const autostartOf = (name) => /Autostart:\s+(\S+)/.exec(poolInfo(name))[1];
const stateOf = (name) => /State:\s+(\S+)/.exec(poolInfo(name))[1];
const volumeExists = (pool, name) => virsh('vol-info', '--pool', pool, name).status === 0;

let p;
let preview, up, destroy, upExisting, refresh, importResource;

before(async () => {
  expectLibvirt();
  p = new ProviderProcess({ project: 'enginepool' });
  await p.start();
  await p.configure('qemu:///system');
  ({ preview, up, destroy, upExisting, refresh, importResource } = engineSteps(p));
});

after(async () => {
  try {
    if (p) await p.stop();
  } finally {
    // Our pools are exactly those named with the run prefix; our folders those under the temporary folder with it.
    const pools = virshNames('pool-list', RUN);
    for (const name of pools) {
      virsh('pool-destroy', name);
      virsh('pool-undefine', name);
    }
    for (const entry of fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(RUN))) {
      fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    }
  }
});

// pkg/resource/deploy/step_generator.go (Check, Diff, Update), step.go (CreateStep preview, DeleteStep in reverse
// dependency order).
test('Pool: preview makes nothing with the name unknown, so a Volume on it checks; up; a volume inside; in-place autostart; destroy volume then pool', async () => {
  const dir = folder('life');
  const program = { path: dir };

  const planned = await preview(POOL, `${RUN}-pool`, program);
  assert.equal(planned.id, '');
  assert.equal(planned.outputs.name, UNKNOWN);
  assert.equal(planned.outputs.uuid, UNKNOWN);
  assert.equal(planned.outputs.path, dir);
  assert.equal(poolExists(planned.checked.inputs.name), false, 'a preview must not define the pool');
  assert.equal(fs.existsSync(dir), false, 'a preview must not make the folder');
  // The Volume of the same preview gets the pool's name as unknown: its "pool exists" check is skipped.
  const volumeCheck = await p.check(VOLUME, `${RUN}-vol`, { pool: UNKNOWN, capacity: MiB });
  assert.deepEqual(volumeCheck.failures, []);

  let pool = await up(POOL, `${RUN}-pool`, program);
  const poolName = pool.outputs.name;
  assert.match(poolName, new RegExp(`^${RUN}-pool-[0-9a-f]{7}$`));
  assert.equal(pool.id, virshOk('pool-uuid', poolName).trim());
  assert.equal(stateOf(poolName), 'running');
  assert.equal(autostartOf(poolName), 'yes');
  assert.equal(fs.statSync(dir).mode & 0o777, 0o755);
  for (const size of ['capacity', 'allocation', 'available']) assert.ok(pool.outputs[size] > 0, `${size} is a number of bytes`);

  const volume = await up(VOLUME, `${RUN}-vol`, { pool: poolName, capacity: MiB });
  assert.ok(fs.existsSync(path.join(dir, volume.inputs.name)));

  const same = await upExisting(pool, program);
  assert.equal(same.op, 'same', JSON.stringify(same.diff.detailed));
  assert.equal(same.diff.changes, DiffChanges.DIFF_NONE);
  pool = same.state;

  const noAutostart = await upExisting(pool, { ...program, autostart: false });
  assert.equal(noAutostart.op, 'update');
  assert.deepEqual(noAutostart.diff.detailed, { autostart: Kind.UPDATE });
  assert.equal(noAutostart.state.outputs.uuid, pool.id);
  assert.equal(autostartOf(poolName), 'no');
  pool = noAutostart.state;

  // Destroy in the wrong order is refused, naming the volume; in dependency order it goes through.
  await expectStatus(destroy(pool), (e) => {
    assert.equal(e.code, grpc.status.FAILED_PRECONDITION, `got ${statusName(e.code)}: ${e.details}`);
    assert.match(e.details, new RegExp(`'${volume.inputs.name}'`));
  });
  assert.ok(volumeExists(poolName, volume.inputs.name));
  await destroy(volume);
  await destroy(pool);
  assert.equal(poolExists(pool.id), false);
  assert.equal(fs.existsSync(dir), false, 'the folder the provider made is removed with the pool');
  await destroy(pool); // already gone: still a success
});

// pkg/resource/deploy/step_generator.go (replacement: second Check without olds; deleteBeforeReplace order).
test('Pool: a new path replaces, delete-before-replace when the name is kept, create-before-delete for an automatic name', async () => {
  const name = `${RUN}-named`;
  const named = await up(POOL, 'named', { name, path: folder('named-a') });
  const moved = await upExisting(named, { name, path: folder('named-b') }, {
    between: async () => assert.equal(poolExists(name), false, 'the old pool is gone before the new one is made'),
  });
  assert.deepEqual(moved.diff.replaces, ['path']);
  assert.equal(moved.diff.deleteBeforeReplace, true);
  assert.equal(moved.op, 'delete-before-replace');
  assert.equal(fs.existsSync(folder('named-a')), false);
  assert.equal(virshOk('pool-name', moved.state.id).trim(), name);
  await destroy(moved.state);

  const auto = await up(POOL, `${RUN}-auto`, { path: folder('auto-a') });
  const autoMoved = await upExisting(auto, { path: folder('auto-b') }, {
    between: async () => assert.ok(poolExists(auto.id), 'create-before-delete: the old pool exists while the new one is made'),
  });
  assert.equal(autoMoved.diff.deleteBeforeReplace, false);
  assert.equal(autoMoved.op, 'create-before-delete');
  assert.notEqual(autoMoved.state.outputs.name, auto.outputs.name);
  assert.equal(poolExists(auto.id), false);
  assert.equal(stateOf(autoMoved.state.outputs.name), 'running');
  await destroy(autoMoved.state);
  assert.equal(fs.existsSync(folder('auto-b')), false);
});

// pkg/resource/deploy/step.go (RefreshStep.Apply: Read, then the inverted Diff) and step_generator.go (next up).
test('Pool: refresh shows autostart disabled outside, and the next up turns it back on in place', async () => {
  const program = { path: folder('drift') };
  const pool = await up(POOL, `${RUN}-drift`, program);
  const clean = await refresh(pool);
  assert.equal(clean.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(clean.diff.detailed));
  assert.deepEqual(clean.read.inputs, pool.inputs, 'a refresh with nothing changed reads back the same inputs');

  virshOk('pool-autostart', '--disable', pool.outputs.name);
  const drifted = await refresh(pool);
  assert.equal(drifted.read.inputs.autostart, false);
  assert.deepEqual(drifted.diff.detailed, { autostart: Kind.UPDATE });
  const fixed = await upExisting(drifted.state, program);
  assert.equal(fixed.op, 'update');
  assert.equal(autostartOf(pool.outputs.name), 'yes');
  await destroy(fixed.state);
});

// pkg/resource/deploy/step.go (ImportStep.Apply) and import.go.
test('Pool: import of a pool made with virsh derives inputs that Check accepts with no diff; destroy keeps its folder', async () => {
  const name = `${RUN}-imp`;
  const dir = folder('imp');
  virshOk('pool-define-as', name, 'dir', '--target', dir);
  virshOk('pool-build', name);
  virshOk('pool-start', name);
  virshOk('pool-autostart', name);

  const imported = await importResource(POOL, 'imp', name);
  assert.equal(imported.exists, true);
  assert.equal(imported.read.id, virshOk('pool-uuid', name).trim());
  assert.deepEqual(imported.read.inputs, { name, path: dir });
  assert.deepEqual(imported.check.failures, []);
  assert.equal(imported.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(imported.diff.detailed));
  assert.equal(imported.read.outputs.createdDirectory, false);

  await destroy(imported.state);
  assert.equal(poolExists(name), false);
  assert.ok(fs.existsSync(dir), 'a folder the provider did not make stays');

  const missing = await importResource(POOL, 'missing', crypto.randomUUID());
  assert.equal(missing.exists, false);
  assert.equal(missing.read.id, '');
});
