'use strict';
// Interop suite: drives the built provider binary (bin/pulumi-resource-libvirt) the way the
// Pulumi engine does, through the gRPC client stubs that ship inside @pulumi/pulumi on
// @grpc/grpc-js (see provider-client.js, shared with engine.test.js). None of this client code is
// ours, so it checks the wire contract, not our reading of it. Run from the repository root:
// node --test tests/interop/
//
// It needs the provider built (make build) and `npm ci` in this folder. Almost everything runs on
// libvirt's in-memory test driver (test:///default), which needs no daemon. That driver cannot resize
// a volume, so the one test that grows a volume uses qemu:///system with a transient directory pool
// under the system temp folder.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const {
  grpc, providerPb, pluginPb, Empty, ROOT, BINARY, UNKNOWN, Kind, DiffChanges,
  secret, toStruct, urnOf, ProviderProcess, checkRequest,
} = require('./provider-client.js');

const TYPE = 'libvirt:index:Volume';
const MiB = 1024 * 1024;

// Unique per run, so runs never collide on the shared test driver connection.
const RUN = `interop-${process.pid.toString(36)}-${crypto.randomBytes(3).toString('hex')}`;

async function expectStatus(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `expected gRPC status ${code}, got ${err.code}: ${err.details}`);
    return true;
  });
}

// The suite's main provider, on libvirt's in-memory test driver.
const p = new ProviderProcess();
let configureResponse;

before(async () => {
  await p.start();
  configureResponse = await p.configure('test:///default');
});

after(() => p.stop());

test('GetPluginInfo reports the version from Directory.Build.props', async () => {
  const props = fs.readFileSync(path.join(ROOT, 'Directory.Build.props'), 'utf8');
  const version = /<Version>([^<]+)<\/Version>/.exec(props)[1].trim();
  const info = await p.call('getPluginInfo', new Empty());
  assert.ok(info instanceof pluginPb.PluginInfo);
  assert.equal(info.getVersion(), version);
});

test('GetSchema returns schema.json verbatim', async () => {
  const res = await p.call('getSchema', new providerPb.GetSchemaRequest().setVersion(0));
  const schemaPath = path.join(ROOT, 'schema.json');
  const expected = fs.readFileSync(schemaPath, 'utf8');
  // The schema is embedded at build time: a binary older than schema.json serves an old one.
  const stale = fs.statSync(BINARY).mtimeMs < fs.statSync(schemaPath).mtimeMs;
  assert.equal(res.getSchema(), expected,
    stale ? `${BINARY} is older than schema.json and embeds another schema: run make build` : undefined);
  assert.equal(JSON.parse(res.getSchema()).name, 'libvirt');
});

test('Configure with the test driver accepts secrets, preview and resources', () => {
  assert.equal(configureResponse.getAcceptsecrets(), true);
  assert.equal(configureResponse.getSupportspreview(), true);
  assert.equal(configureResponse.getAcceptresources(), true);
});

test('Check fills defaults and autonames stably from randomSeed', async () => {
  const defaults = await p.check(TYPE, 'vol1', { capacity: MiB });
  assert.equal(defaults.inputs.pool, 'default');
  assert.equal(defaults.inputs.format, 'qcow2');
  assert.equal(defaults.inputs.capacity, MiB);

  const seed = Buffer.alloc(32, 7);
  const a = await p.check(TYPE, 'vol1', { capacity: MiB, pool: 'default-pool' }, { seed });
  assert.deepEqual(a.failures, []);
  assert.match(a.inputs.name, /^vol1-[0-9a-f]{7}$/);
  const again = await p.check(TYPE, 'vol1', { capacity: MiB, pool: 'default-pool' }, { seed });
  assert.equal(again.inputs.name, a.inputs.name, 'same seed must give the same name');
  const other = await p.check(TYPE, 'vol1', { capacity: MiB, pool: 'default-pool' }, { seed: Buffer.alloc(32, 8) });
  assert.match(other.inputs.name, /^vol1-[0-9a-f]{7}$/);
  assert.notEqual(other.inputs.name, a.inputs.name, 'a different seed must give a different name');

  const named = await p.check(TYPE, 'vol1', { name: `${RUN}-explicit`, capacity: MiB, format: 'raw', pool: 'default-pool' });
  assert.deepEqual(named.failures, []);
  assert.equal(named.inputs.name, `${RUN}-explicit`);
  assert.equal(named.inputs.format, 'raw');
});

test('Check reports failures for a missing pool and a missing capacity', async () => {
  // The test driver has no pool called "default", the default.
  const defaultPool = await p.check(TYPE, 'bad', { name: `${RUN}-bad`, capacity: MiB });
  assert.deepEqual(defaultPool.failures.map((f) => f.property), ['pool']);
  assert.match(defaultPool.failures[0].reason, /default/);

  const noPool = await p.check(TYPE, 'bad', { name: `${RUN}-bad`, capacity: MiB, pool: `${RUN}-no-such-pool` });
  assert.deepEqual(noPool.failures.map((f) => f.property), ['pool']);

  const noCapacity = await p.check(TYPE, 'bad', { name: `${RUN}-bad`, pool: 'default-pool' });
  assert.deepEqual(noCapacity.failures.map((f) => f.property), ['capacity']);
  assert.ok(noCapacity.failures[0].reason.length > 0);
});

test('Check keeps secrets secret and unknowns unknown', async () => {
  const res = await p.check(TYPE, 'sec', { name: secret(`${RUN}-sec`), capacity: UNKNOWN, pool: 'default-pool' });
  assert.deepEqual(res.failures, []);
  assert.deepEqual(res.inputs.name, secret(`${RUN}-sec`));
  assert.equal(res.inputs.capacity, UNKNOWN);
  assert.equal(res.inputs.format, 'qcow2');
  assert.equal(res.inputs.pool, 'default-pool');
});

test('Create in preview returns unknown outputs and creates nothing', async () => {
  const name = `${RUN}-preview`;
  const { inputs } = await p.check(TYPE, 'preview', { name, capacity: UNKNOWN, pool: 'default-pool' });
  const res = await p.create(TYPE, 'preview', inputs, { preview: true });
  assert.equal(res.outputs.name, name);
  assert.equal(res.outputs.pool, 'default-pool');
  assert.equal(res.outputs.key, UNKNOWN);
  assert.equal(res.outputs.path, UNKNOWN);
  assert.equal(res.outputs.capacity, UNKNOWN);

  // The preview left nothing behind: a real create of the same name still succeeds.
  const real = await p.create(TYPE, 'preview', { ...inputs, capacity: MiB });
  assert.ok(real.id);
  assert.equal(real.outputs.name, name);
  await p.del(TYPE, 'preview', real.id, real.outputs, inputs);
});

test('full lifecycle: create, read, diff, update, delete, read gone', async () => {
  const name = `${RUN}-life`;
  const { inputs, failures } = await p.check(TYPE, 'life', { name, capacity: 2 * MiB, pool: 'default-pool' });
  assert.deepEqual(failures, []);

  const { id, outputs } = await p.create(TYPE, 'life', inputs);
  assert.ok(id, 'Create must return an id');
  assert.equal(outputs.key, id);
  assert.equal(outputs.name, name);
  assert.equal(outputs.pool, 'default-pool');
  assert.equal(outputs.format, 'qcow2');
  assert.equal(outputs.capacity, 2 * MiB);
  assert.equal(typeof outputs.path, 'string');
  assert.ok(outputs.path.endsWith(`/${name}`), `path ${outputs.path} should end with /${name}`);
  assert.equal(typeof outputs.allocation, 'number');

  const r = await p.read(TYPE, 'life', id, outputs, inputs);
  assert.equal(r.id, id);
  assert.equal(r.outputs.name, name);
  assert.equal(r.outputs.capacity, 2 * MiB);

  const same = await p.diff(TYPE, 'life', id, outputs, inputs, inputs);
  assert.equal(same.changes, DiffChanges.DIFF_NONE);
  assert.deepEqual(same.replaces, []);

  const bigger = { ...inputs, capacity: 4 * MiB };
  const grow = await p.diff(TYPE, 'life', id, outputs, inputs, bigger);
  assert.equal(grow.changes, DiffChanges.DIFF_SOME);
  assert.equal(grow.hasDetailedDiff, true);
  assert.deepEqual(grow.replaces, []);
  assert.deepEqual(grow.detailed, { capacity: Kind.UPDATE });

  const shrink = await p.diff(TYPE, 'life', id, outputs, inputs, { ...inputs, capacity: MiB });
  assert.equal(shrink.changes, DiffChanges.DIFF_SOME);
  assert.deepEqual(shrink.replaces, ['capacity']);
  assert.deepEqual(shrink.detailed, { capacity: Kind.UPDATE_REPLACE });
  assert.equal(shrink.deleteBeforeReplace, true, 'same name and pool: must delete before replacing');

  const reformat = await p.diff(TYPE, 'life', id, outputs, inputs, { ...inputs, format: 'raw' });
  assert.equal(reformat.changes, DiffChanges.DIFF_SOME);
  assert.deepEqual(reformat.replaces, ['format']);
  assert.deepEqual(reformat.detailed, { format: Kind.UPDATE_REPLACE });

  // libvirt's test driver cannot resize (virStorageVolResize is not supported there), so the grow itself is
  // previewed here and done for real in the qemu:///system test below.
  const preview = await p.update(TYPE, 'life', id, outputs, inputs, bigger, { preview: true });
  assert.equal(preview.outputs.key, id);
  assert.equal(preview.outputs.name, name);
  assert.equal(preview.outputs.capacity, UNKNOWN, 'capacity is computed by libvirt: unknown in an update preview');
  const unchanged = await p.read(TYPE, 'life', id, outputs, inputs);
  assert.equal(unchanged.outputs.capacity, 2 * MiB, 'an update preview must not touch the volume');

  await p.del(TYPE, 'life', id, outputs, inputs);
  const gone = await p.read(TYPE, 'life', id, outputs, inputs);
  assert.equal(gone.id, '', 'Read of a deleted volume must return an empty id');

  // Deleting what is already gone is not an error.
  await p.del(TYPE, 'life', id, outputs, inputs);
});

test('secrets survive Create, Read and Update', async () => {
  const name = `${RUN}-secret`;
  const { inputs } = await p.check(TYPE, 'secret', { name, capacity: secret(MiB), pool: 'default-pool' });
  assert.deepEqual(inputs.capacity, secret(MiB));

  const { id, outputs } = await p.create(TYPE, 'secret', inputs);
  assert.ok(id);
  assert.deepEqual(outputs.capacity, secret(MiB));
  assert.equal(outputs.name, name);

  const r = await p.read(TYPE, 'secret', id, outputs, inputs);
  assert.equal(r.id, id);
  assert.deepEqual(r.outputs.capacity, secret(MiB));

  // An update that needs no resize (the test driver has none): the outputs must keep the secret.
  const up = await p.update(TYPE, 'secret', id, outputs, inputs, inputs);
  assert.deepEqual(up.outputs.capacity, secret(MiB));
  assert.equal(up.outputs.key, id);

  await p.del(TYPE, 'secret', id, up.outputs, inputs);
});

test('Update grows a volume in place on a real libvirtd (qemu:///system)', async () => {
  const virsh = (...args) => spawnSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8', timeout: 30_000 });
  const probe = virsh('uri');
  // make test installs and starts libvirtd: an unreachable one is a failure, never a skip.
  assert.equal(probe.status, 0, `qemu:///system is not reachable (make test starts libvirtd): ${probe.stderr || probe.error}`);
  // A transient directory pool of our own, gone when destroyed.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-pool-'));
  const pool = `${RUN}-pool`;
  const created = virsh('pool-create-as', pool, 'dir', '--target', dir);
  assert.equal(created.status, 0, `virsh pool-create-as failed: ${created.stderr}`);
  const q = new ProviderProcess();
  try {
    await q.start();
    await q.configure('qemu:///system');
    const name = `${RUN}-grow`;
    const { inputs, failures } = await q.check(TYPE, 'grow', { name, capacity: MiB, pool });
    assert.deepEqual(failures, []);
    const { id, outputs } = await q.create(TYPE, 'grow', inputs);
    assert.equal(outputs.capacity, MiB);
    assert.equal(outputs.path, path.join(dir, name));

    const bigger = { ...inputs, capacity: secret(4 * MiB) };
    const d = await q.diff(TYPE, 'grow', id, outputs, inputs, bigger);
    assert.deepEqual(d.detailed, { capacity: Kind.UPDATE });
    const up = await q.update(TYPE, 'grow', id, outputs, inputs, bigger);
    assert.deepEqual(up.outputs.capacity, secret(4 * MiB));
    assert.equal(up.outputs.key, id);

    const r = await q.read(TYPE, 'grow', id, up.outputs, bigger);
    assert.equal(r.id, id);
    assert.deepEqual(r.outputs.capacity, secret(4 * MiB));
    const info = virsh('vol-info', '--pool', pool, name, '--bytes');
    assert.match(info.stdout, new RegExp(`Capacity:\\s+${4 * MiB} bytes`), info.stdout);

    await q.del(TYPE, 'grow', id, up.outputs, bigger);
    assert.equal((await q.read(TYPE, 'grow', id, up.outputs, bigger)).id, '');
  } finally {
    await q.stop();
    virsh('pool-destroy', pool);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Invoke is served now (invoke.test.js); GetMapping (bridged Terraform providers only) is not.
test('unimplemented methods answer UNIMPLEMENTED', async () => {
  await expectStatus(
    p.call('getMapping', new providerPb.GetMappingRequest().setKey('terraform')),
    grpc.status.UNIMPLEMENTED,
  );
});

test('an unknown type token is INVALID_ARGUMENT', async () => {
  const type = 'libvirt:index:Nope';
  await expectStatus(
    p.call('check', checkRequest('nope', { capacity: MiB }, { type })),
    grpc.status.INVALID_ARGUMENT,
  );
  await expectStatus(
    p.call('create', new providerPb.CreateRequest()
      .setUrn(urnOf('nope', type)).setName('nope').setType(type)
      .setProperties(toStruct({ name: `${RUN}-nope`, capacity: MiB }))),
    grpc.status.INVALID_ARGUMENT,
  );
});
