'use strict';
// Interop suite: drives the built provider binary (bin/pulumi-resource-libvirt) the way the
// Pulumi engine does, through the gRPC client stubs that ship inside @pulumi/pulumi on
// @grpc/grpc-js. None of this client code is ours, so it checks the wire contract, not our
// reading of it. Run from the repository root: node --test tests/interop/
//
// It needs the provider built (make build) and `npm ci` in this folder. Almost everything runs on
// libvirt's in-memory test driver (test:///default), which needs no daemon. That driver cannot resize
// a volume, so the one test that grows a volume uses qemu:///system with a transient directory pool
// under the system temp folder.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const crypto = require('node:crypto');

const grpc = require('@grpc/grpc-js');
const providerGrpc = require('@pulumi/pulumi/proto/provider_grpc_pb.js');
const providerPb = require('@pulumi/pulumi/proto/provider_pb.js');
const pluginPb = require('@pulumi/pulumi/proto/plugin_pb.js');

// The stubs check message types with instanceof: google-protobuf must be the very copy that
// @pulumi/pulumi resolves, never a second one.
const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const fromPulumi = (mod) => require(require.resolve(mod, { paths: [pulumiDir] }));
const { Struct } = fromPulumi('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = fromPulumi('google-protobuf/google/protobuf/empty_pb.js');

const ROOT = path.resolve(__dirname, '..', '..');
// PROVIDER_BINARY points the suite at another build of the provider (default: the repository's bin/).
const BINARY = path.resolve(ROOT, process.env.PROVIDER_BINARY || path.join('bin', 'pulumi-resource-libvirt'));
const TYPE = 'libvirt:index:Volume';
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const MiB = 1024 * 1024;
const { Kind } = providerPb.PropertyDiff;
const { DiffChanges } = providerPb.DiffResponse;

// Unique per run, so runs never collide on the shared test driver connection.
const RUN = `interop-${process.pid.toString(36)}-${crypto.randomBytes(3).toString('hex')}`;

const secret = (value) => ({ [SECRET_SIG]: SECRET_VALUE, value });
const toStruct = (obj) => Struct.fromJavaScript(obj);
const fromStruct = (s) => (s ? s.toJavaScript() : undefined);
const urnOf = (name, type = TYPE) => `urn:pulumi:dev::interop::${type}::${name}`;

// One provider process and the Pulumi client on it.
class ProviderProcess {
  constructor() {
    this.child = null;
    this.client = null;
    this.stderr = '';
    this.created = new Set(); // ids to clean up if a test fails half-way
  }

  // Starts the binary as the engine does and connects once it prints its port.
  async start() {
    const port = await new Promise((resolve, reject) => {
      if (!fs.existsSync(BINARY)) {
        reject(new Error(`${BINARY} is missing: run make build first`));
        return;
      }
      const child = spawn(BINARY, ['127.0.0.1:1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      // Keep draining stderr (the failing engine log calls land there) so the pipe never fills.
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-20_000); });
      const timer = setTimeout(() => reject(new Error(`provider printed no port in 30s; stderr:\n${this.stderr}`)), 30_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`provider exited early (code ${code}, signal ${signal}); stderr:\n${this.stderr}`));
      });
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      readline.createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        const n = Number(line.trim());
        if (!Number.isInteger(n) || n <= 0) reject(new Error(`first stdout line is not a port: ${JSON.stringify(line)}`));
        else resolve(n);
      });
    });
    this.client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    await this.call('handshake', new providerPb.ProviderHandshakeRequest().setEngineAddress('127.0.0.1:1'));
  }

  configure(uri) {
    return this.call(
      'configure',
      new providerPb.ConfigureRequest()
        .setArgs(toStruct({ uri }))
        .setAcceptsecrets(true)
        .setAcceptresources(true),
    );
  }

  // Deletes what a failed test left behind, then stops the process (SIGKILL if SIGTERM is not enough).
  async stop() {
    try {
      for (const id of [...this.created]) await this.del('cleanup', id).catch(() => {});
    } finally {
      if (this.client) this.client.close();
      const child = this.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    }
  }

  // Calls one unary method and resolves with its response (rejects with the grpc error).
  call(method, request) {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + 60_000);
      this.client[method](request, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  }

  async check(name, news, opts) {
    const res = await this.call('check', checkRequest(name, news, opts));
    return {
      inputs: fromStruct(res.getInputs()),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async create(name, inputs, { preview = false } = {}) {
    const res = await this.call(
      'create',
      new providerPb.CreateRequest()
        .setUrn(urnOf(name)).setName(name).setType(TYPE)
        .setProperties(toStruct(inputs)).setPreview(preview).setTimeout(60),
    );
    if (!preview && res.getId()) this.created.add(res.getId());
    return { id: res.getId(), outputs: fromStruct(res.getProperties()) };
  }

  async read(name, id, properties = {}, inputs = {}) {
    const res = await this.call(
      'read',
      new providerPb.ReadRequest()
        .setId(id).setUrn(urnOf(name)).setName(name).setType(TYPE)
        .setProperties(toStruct(properties)).setInputs(toStruct(inputs)),
    );
    return { id: res.getId(), outputs: fromStruct(res.getProperties()), inputs: fromStruct(res.getInputs()) };
  }

  async diff(name, id, olds, oldInputs, news) {
    const res = await this.call(
      'diff',
      new providerPb.DiffRequest()
        .setId(id).setUrn(urnOf(name)).setName(name).setType(TYPE)
        .setOlds(toStruct(olds)).setOldInputs(toStruct(oldInputs)).setNews(toStruct(news)),
    );
    const detailed = {};
    for (const [key, pd] of res.getDetaileddiffMap().entries()) detailed[key] = pd.getKind();
    return {
      changes: res.getChanges(),
      replaces: res.getReplacesList().slice().sort(),
      detailed,
      hasDetailedDiff: res.getHasdetaileddiff(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  async update(name, id, olds, oldInputs, news, { preview = false } = {}) {
    const res = await this.call(
      'update',
      new providerPb.UpdateRequest()
        .setId(id).setUrn(urnOf(name)).setName(name).setType(TYPE)
        .setOlds(toStruct(olds)).setOldInputs(toStruct(oldInputs)).setNews(toStruct(news))
        .setPreview(preview).setTimeout(60),
    );
    return { outputs: fromStruct(res.getProperties()) };
  }

  async del(name, id, properties = {}, oldInputs = {}) {
    await this.call(
      'delete',
      new providerPb.DeleteRequest()
        .setId(id).setUrn(urnOf(name)).setName(name).setType(TYPE)
        .setProperties(toStruct(properties)).setOldInputs(toStruct(oldInputs)).setTimeout(60),
    );
    this.created.delete(id);
  }
}

function checkRequest(name, news, { seed = crypto.randomBytes(32), olds = {}, type = TYPE } = {}) {
  return new providerPb.CheckRequest()
    .setUrn(urnOf(name, type))
    .setName(name)
    .setType(type)
    .setOlds(toStruct(olds))
    .setNews(toStruct(news))
    .setRandomseed(seed);
}

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
  const defaults = await p.check('vol1', { capacity: MiB });
  assert.equal(defaults.inputs.pool, 'default');
  assert.equal(defaults.inputs.format, 'qcow2');
  assert.equal(defaults.inputs.capacity, MiB);

  const seed = Buffer.alloc(32, 7);
  const a = await p.check('vol1', { capacity: MiB, pool: 'default-pool' }, { seed });
  assert.deepEqual(a.failures, []);
  assert.match(a.inputs.name, /^vol1-[0-9a-f]{7}$/);
  const again = await p.check('vol1', { capacity: MiB, pool: 'default-pool' }, { seed });
  assert.equal(again.inputs.name, a.inputs.name, 'same seed must give the same name');
  const other = await p.check('vol1', { capacity: MiB, pool: 'default-pool' }, { seed: Buffer.alloc(32, 8) });
  assert.match(other.inputs.name, /^vol1-[0-9a-f]{7}$/);
  assert.notEqual(other.inputs.name, a.inputs.name, 'a different seed must give a different name');

  const named = await p.check('vol1', { name: `${RUN}-explicit`, capacity: MiB, format: 'raw', pool: 'default-pool' });
  assert.deepEqual(named.failures, []);
  assert.equal(named.inputs.name, `${RUN}-explicit`);
  assert.equal(named.inputs.format, 'raw');
});

test('Check reports failures for a missing pool and a missing capacity', async () => {
  // The test driver has no pool called "default", the default.
  const defaultPool = await p.check('bad', { name: `${RUN}-bad`, capacity: MiB });
  assert.deepEqual(defaultPool.failures.map((f) => f.property), ['pool']);
  assert.match(defaultPool.failures[0].reason, /default/);

  const noPool = await p.check('bad', { name: `${RUN}-bad`, capacity: MiB, pool: `${RUN}-no-such-pool` });
  assert.deepEqual(noPool.failures.map((f) => f.property), ['pool']);

  const noCapacity = await p.check('bad', { name: `${RUN}-bad`, pool: 'default-pool' });
  assert.deepEqual(noCapacity.failures.map((f) => f.property), ['capacity']);
  assert.ok(noCapacity.failures[0].reason.length > 0);
});

test('Check keeps secrets secret and unknowns unknown', async () => {
  const res = await p.check('sec', { name: secret(`${RUN}-sec`), capacity: UNKNOWN, pool: 'default-pool' });
  assert.deepEqual(res.failures, []);
  assert.deepEqual(res.inputs.name, secret(`${RUN}-sec`));
  assert.equal(res.inputs.capacity, UNKNOWN);
  assert.equal(res.inputs.format, 'qcow2');
  assert.equal(res.inputs.pool, 'default-pool');
});

test('Create in preview returns unknown outputs and creates nothing', async () => {
  const name = `${RUN}-preview`;
  const { inputs } = await p.check('preview', { name, capacity: UNKNOWN, pool: 'default-pool' });
  const res = await p.create('preview', inputs, { preview: true });
  assert.equal(res.outputs.name, name);
  assert.equal(res.outputs.pool, 'default-pool');
  assert.equal(res.outputs.key, UNKNOWN);
  assert.equal(res.outputs.path, UNKNOWN);
  assert.equal(res.outputs.capacity, UNKNOWN);

  // The preview left nothing behind: a real create of the same name still succeeds.
  const real = await p.create('preview', { ...inputs, capacity: MiB });
  assert.ok(real.id);
  assert.equal(real.outputs.name, name);
  await p.del('preview', real.id, real.outputs, inputs);
});

test('full lifecycle: create, read, diff, update, delete, read gone', async () => {
  const name = `${RUN}-life`;
  const { inputs, failures } = await p.check('life', { name, capacity: 2 * MiB, pool: 'default-pool' });
  assert.deepEqual(failures, []);

  const { id, outputs } = await p.create('life', inputs);
  assert.ok(id, 'Create must return an id');
  assert.equal(outputs.key, id);
  assert.equal(outputs.name, name);
  assert.equal(outputs.pool, 'default-pool');
  assert.equal(outputs.format, 'qcow2');
  assert.equal(outputs.capacity, 2 * MiB);
  assert.equal(typeof outputs.path, 'string');
  assert.ok(outputs.path.endsWith(`/${name}`), `path ${outputs.path} should end with /${name}`);
  assert.equal(typeof outputs.allocation, 'number');

  const r = await p.read('life', id, outputs, inputs);
  assert.equal(r.id, id);
  assert.equal(r.outputs.name, name);
  assert.equal(r.outputs.capacity, 2 * MiB);

  const same = await p.diff('life', id, outputs, inputs, inputs);
  assert.equal(same.changes, DiffChanges.DIFF_NONE);
  assert.deepEqual(same.replaces, []);

  const bigger = { ...inputs, capacity: 4 * MiB };
  const grow = await p.diff('life', id, outputs, inputs, bigger);
  assert.equal(grow.changes, DiffChanges.DIFF_SOME);
  assert.equal(grow.hasDetailedDiff, true);
  assert.deepEqual(grow.replaces, []);
  assert.deepEqual(grow.detailed, { capacity: Kind.UPDATE });

  const shrink = await p.diff('life', id, outputs, inputs, { ...inputs, capacity: MiB });
  assert.equal(shrink.changes, DiffChanges.DIFF_SOME);
  assert.deepEqual(shrink.replaces, ['capacity']);
  assert.deepEqual(shrink.detailed, { capacity: Kind.UPDATE_REPLACE });
  assert.equal(shrink.deleteBeforeReplace, true, 'same name and pool: must delete before replacing');

  const reformat = await p.diff('life', id, outputs, inputs, { ...inputs, format: 'raw' });
  assert.equal(reformat.changes, DiffChanges.DIFF_SOME);
  assert.deepEqual(reformat.replaces, ['format']);
  assert.deepEqual(reformat.detailed, { format: Kind.UPDATE_REPLACE });

  // libvirt's test driver cannot resize (virStorageVolResize is not supported there), so the grow itself is
  // previewed here and done for real in the qemu:///system test below.
  const preview = await p.update('life', id, outputs, inputs, bigger, { preview: true });
  assert.equal(preview.outputs.key, id);
  assert.equal(preview.outputs.name, name);
  assert.equal(preview.outputs.capacity, UNKNOWN, 'capacity is computed by libvirt: unknown in an update preview');
  const unchanged = await p.read('life', id, outputs, inputs);
  assert.equal(unchanged.outputs.capacity, 2 * MiB, 'an update preview must not touch the volume');

  await p.del('life', id, outputs, inputs);
  const gone = await p.read('life', id, outputs, inputs);
  assert.equal(gone.id, '', 'Read of a deleted volume must return an empty id');

  // Deleting what is already gone is not an error.
  await p.del('life', id, outputs, inputs);
});

test('secrets survive Create, Read and Update', async () => {
  const name = `${RUN}-secret`;
  const { inputs } = await p.check('secret', { name, capacity: secret(MiB), pool: 'default-pool' });
  assert.deepEqual(inputs.capacity, secret(MiB));

  const { id, outputs } = await p.create('secret', inputs);
  assert.ok(id);
  assert.deepEqual(outputs.capacity, secret(MiB));
  assert.equal(outputs.name, name);

  const r = await p.read('secret', id, outputs, inputs);
  assert.equal(r.id, id);
  assert.deepEqual(r.outputs.capacity, secret(MiB));

  // An update that needs no resize (the test driver has none): the outputs must keep the secret.
  const up = await p.update('secret', id, outputs, inputs, inputs);
  assert.deepEqual(up.outputs.capacity, secret(MiB));
  assert.equal(up.outputs.key, id);

  await p.del('secret', id, up.outputs, inputs);
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
    const { inputs, failures } = await q.check('grow', { name, capacity: MiB, pool });
    assert.deepEqual(failures, []);
    const { id, outputs } = await q.create('grow', inputs);
    assert.equal(outputs.capacity, MiB);
    assert.equal(outputs.path, path.join(dir, name));

    const bigger = { ...inputs, capacity: secret(4 * MiB) };
    const d = await q.diff('grow', id, outputs, inputs, bigger);
    assert.deepEqual(d.detailed, { capacity: Kind.UPDATE });
    const up = await q.update('grow', id, outputs, inputs, bigger);
    assert.deepEqual(up.outputs.capacity, secret(4 * MiB));
    assert.equal(up.outputs.key, id);

    const r = await q.read('grow', id, up.outputs, bigger);
    assert.equal(r.id, id);
    assert.deepEqual(r.outputs.capacity, secret(4 * MiB));
    const info = virsh('vol-info', '--pool', pool, name, '--bytes');
    assert.match(info.stdout, new RegExp(`Capacity:\\s+${4 * MiB} bytes`), info.stdout);

    await q.del('grow', id, up.outputs, bigger);
    assert.equal((await q.read('grow', id, up.outputs, bigger)).id, '');
  } finally {
    await q.stop();
    virsh('pool-destroy', pool);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('unimplemented methods answer UNIMPLEMENTED', async () => {
  await expectStatus(
    p.call('invoke', new providerPb.InvokeRequest().setTok('libvirt:index:getVolume').setArgs(toStruct({}))),
    grpc.status.UNIMPLEMENTED,
  );
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
