'use strict';
// Engine suite for a Volume's source (file, url), sha256 and sha256Url: replays, against the real libvirtd
// (qemu:///system) and the built plugin, the call sequences Pulumi's engine makes (engine-steps.js): preview, up,
// no-op up, replacement, refresh, and the failures a user meets (a missing file, a 404, a server that stalls). The
// images come from an HTTP server of this process that counts the requests it gets, so that what the provider
// fetches, and when, is seen from outside. Run from the repository root after make build:
// node --test tests/interop/engine-volume-source.test.js
//
// Everything it makes is named after its own run prefix (engvsrc-<pid>-<random>): a transient directory pool, its
// folder and the images' folder under the temporary folder, the volumes in the pool. after() removes exactly those,
// even when tests fail.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const { grpc, UNKNOWN, Kind, DiffChanges, ProviderProcess, checkRequest } = require('./provider-client.js');
const { URI, newSeed, sleep, within, expectLibvirt, virsh, virshNames, virshOk, engineSteps, expectStatus, statusName } = require('./engine-steps.js');

const VOLUME = 'libvirt:index:Volume';
const MiB = 1024 * 1024;
const STALL_SECONDS = 3; // the provider's downloadStallTimeout in this suite, set as stack configuration

const RUN = `engvsrc-${process.pid.toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
const POOL = `${RUN}-pool`;
let poolDir;
let imageDir;

// --- images -----------------------------------------------------------------------------------------------------

function run(command, ...args) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${command} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

// A qcow2 image of size MiB with MiB of byte at offset MiB: distinct content and sizes for each image.
function makeImage(name, sizeMiB, byte, offsetMiB) {
  const file = path.join(imageDir, name);
  run('qemu-img', 'create', '-q', '-f', 'qcow2', file, `${sizeMiB}M`);
  run('qemu-io', '-f', 'qcow2', '-c', `write -P 0x${byte.toString(16)} ${offsetMiB}M 1M`, file);
  return { file, size: sizeMiB * MiB, sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
}

// qemu-img compare: the same guest-visible content (both qcow2 here).
const sameContent = (a, b) => spawnSync('qemu-img', ['compare', '-q', '-f', 'qcow2', '-F', 'qcow2', a, b]).status === 0;

let base; // 16 MiB, 0xab at 1 MiB
let other; // 24 MiB, 0xcd at 2 MiB

// --- the HTTP server --------------------------------------------------------------------------------------------

// path -> { body } (served with Content-Length), { body, stallAfter } (that many bytes of it, then nothing) or
// { stall: true } (headers, then nothing); anything else is a 404.
const routes = new Map();
const requests = new Map(); // path -> how many requests it got, 404s included
let server;
let origin;

const served = (urlPath, route) => {
  routes.set(urlPath, route);
  return `${origin}${urlPath}`;
};
const requestsOf = (urlPath) => requests.get(urlPath) ?? 0;
const allRequests = () => [...requests.values()].reduce((a, b) => a + b, 0);

function startServer() {
  server = http.createServer((req, res) => {
    const urlPath = new URL(req.url, 'http://x').pathname;
    requests.set(urlPath, requestsOf(urlPath) + 1);
    const route = routes.get(urlPath);
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    } else if (route.stallAfter !== undefined) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(route.body.length) });
      res.write(route.body.subarray(0, route.stallAfter)); // and never the rest
    } else if (route.stall) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(MiB) });
      res.flushHeaders(); // and never a byte of the body: the connection is closed when the server stops
    } else {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(route.body.length) });
      res.end(route.body);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    origin = `http://127.0.0.1:${server.address().port}`;
    resolve();
  }));
}

// --- libvirt, seen from outside the provider --------------------------------------------------------------------

const volumeExists = (name) => virsh('vol-info', '--pool', POOL, name).status === 0;
function poolVolumes() {
  virshOk('pool-refresh', POOL);
  return virshOk('vol-list', '--pool', POOL).split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean).sort();
}

// --- setup and cleanup ------------------------------------------------------------------------------------------

let p;
let preview, up, destroy, upExisting, upReplace, refresh;

before(async () => {
  expectLibvirt();
  poolDir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN}-pool-`));
  fs.chmodSync(poolDir, 0o755);
  virshOk('pool-create-as', POOL, 'dir', '--target', poolDir);
  imageDir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN}-img-`));
  base = makeImage('base.qcow2', 16, 0xab, 1);
  other = makeImage('other.qcow2', 24, 0xcd, 2);
  await startServer();

  p = new ProviderProcess({ project: 'enginevolsrc' });
  await p.start();
  // As the engine configures the default provider after `pulumi config set libvirt:downloadStallTimeout 3`: stack
  // configuration arrives as strings (pkg/resource/deploy/target.go, GetPackageConfig), CheckConfig, then Configure.
  const config = { uri: URI, downloadStallTimeout: String(STALL_SECONDS) };
  const checked = await p.call('checkConfig', checkRequest('default', config, { type: 'pulumi:providers:libvirt', project: p.project }));
  assert.deepEqual(checked.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`), []);
  await p.configure(URI, { downloadStallTimeout: checked.getInputs().toJavaScript().downloadStallTimeout });
  ({ preview, up, destroy, upExisting, upReplace, refresh } = engineSteps(p));
});

after(async () => {
  try {
    if (p) await p.stop();
  } finally {
    if (server) {
      server.closeAllConnections();
      server.close();
    }
    for (const name of virshNames('pool-list', RUN)) virsh('pool-destroy', name);
    for (const entry of fs.readdirSync(os.tmpdir()).filter((e) => e.startsWith(RUN))) {
      fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    }
  }
});

// --- preview ----------------------------------------------------------------------------------------------------

// pkg/resource/deploy/step_generator.go (Check, then a CreateStep or a ReplaceStep) and step.go (CreateStep.Apply
// with preview: Create(preview = true)). A preview must not fetch: only `up` may.
test('Volume source: previews of a url, a sha256Url, an unknown url and a replacement fetch nothing and make nothing; computed outputs are unknown', async () => {
  const url = served('/preview/base.qcow2', { body: fs.readFileSync(base.file) });
  const sums = served('/preview/SHA256SUMS', { body: Buffer.from(`${base.sha256}  base.qcow2\n`) });

  for (const program of [
    { pool: POOL, source: { url } },
    { pool: POOL, source: { url }, sha256Url: sums },
    { pool: POOL, source: { url: UNKNOWN } }, // the URL is another resource's output, not known yet
  ]) {
    const planned = await preview(VOLUME, `${RUN}-preview`, program);
    assert.equal(planned.id, '');
    for (const computed of ['format', 'sha256', 'capacity', 'key', 'path']) {
      assert.equal(planned.outputs[computed], UNKNOWN, `${computed} of ${JSON.stringify(program)}`);
    }
    assert.equal(planned.outputs.pool, POOL);
    assert.equal(volumeExists(planned.checked.inputs.name), false, 'a preview must not make the volume');
  }

  // The preview of a change of source on a volume that exists: Check with olds, Diff, then the replacement's Check
  // and Create(preview).
  const file = { pool: POOL, source: { file: base.file } };
  const vol = await up(VOLUME, `${RUN}-preview-existing`, file);
  const check = await p.check(VOLUME, vol.name, { pool: POOL, source: { url } }, { olds: vol.inputs, seed: newSeed() });
  assert.deepEqual(check.failures, []);
  const diff = await p.diff(VOLUME, vol.name, vol.id, vol.outputs, vol.inputs, check.inputs);
  assert.deepEqual(diff.replaces, ['source']);
  const replacement = await p.check(VOLUME, vol.name, { pool: POOL, source: { url } }, { olds: {}, seed: newSeed() });
  const planned = await p.create(VOLUME, vol.name, replacement.inputs, { preview: true });
  assert.equal(planned.outputs.sha256, UNKNOWN);

  assert.equal(allRequests(), 0, `a preview made requests: ${JSON.stringify([...requests])}`);
  assert.deepEqual(poolVolumes(), [vol.inputs.name], 'only the volume of the up exists');
  await destroy(vol);
});

// --- up, no-op up, update, refresh ------------------------------------------------------------------------------

// pkg/resource/deploy/step_generator.go (Check, Create; then Check with olds and Diff: DIFF_NONE is a SameStep),
// step.go (UpdateStep, RefreshStep.Apply: Read, then the inverted Diff).
test('Volume source: up streams a url in (same content, format and size from the header, the sha256 it was verified against); a no-op up, a growth and a refresh fetch nothing again and keep the sha256', async () => {
  const urlPath = '/up/base.qcow2';
  const url = served(urlPath, { body: fs.readFileSync(base.file) });
  const program = { pool: POOL, source: { url }, sha256: base.sha256 };

  let vol = await up(VOLUME, `${RUN}-up`, program);
  assert.equal(requestsOf(urlPath), 1);
  assert.match(vol.inputs.name, new RegExp(`^${RUN}-up-[0-9a-f]{7}$`));
  assert.equal(vol.inputs.format, undefined, 'format is left to the image');
  assert.equal(vol.inputs.capacity, undefined, 'capacity is left to the image');
  assert.equal(vol.outputs.format, 'qcow2');
  assert.equal(vol.outputs.capacity, base.size, 'the capacity is the image\'s virtual size');
  assert.equal(vol.outputs.sha256, base.sha256);
  assert.deepEqual(vol.outputs.source, { url });
  assert.ok(sameContent(base.file, vol.outputs.path), 'the volume\'s content differs from the image\'s');

  const same = await upExisting(vol, program);
  assert.equal(same.op, 'same', JSON.stringify(same.diff.detailed));
  assert.equal(same.diff.changes, DiffChanges.DIFF_NONE);
  assert.equal(requestsOf(urlPath), 1, 'a no-op up fetches nothing');
  vol = same.state;

  const grown = await upExisting(vol, { ...program, capacity: 32 * MiB });
  assert.equal(grown.op, 'update');
  assert.deepEqual(grown.diff.detailed, { capacity: Kind.ADD });
  assert.equal(grown.state.outputs.capacity, 32 * MiB);
  assert.equal(grown.state.outputs.sha256, base.sha256, 'an update keeps the digest of what was fetched');
  assert.equal(requestsOf(urlPath), 1, 'growing in place fetches nothing');
  vol = grown.state;

  const refreshed = await refresh(vol);
  assert.equal(refreshed.gone, false);
  assert.equal(refreshed.read.outputs.sha256, base.sha256, 'the digest cannot be read back from libvirt: the refresh keeps it');
  assert.equal(refreshed.read.outputs.format, 'qcow2');
  assert.deepEqual(refreshed.read.inputs, vol.inputs);
  assert.equal(refreshed.diff.changes, DiffChanges.DIFF_NONE, JSON.stringify(refreshed.diff.detailed));
  assert.equal(requestsOf(urlPath), 1, 'a refresh fetches nothing');

  await destroy(refreshed.state);
  assert.equal(volumeExists(vol.inputs.name), false);
});

// --- replacement ------------------------------------------------------------------------------------------------

// pkg/resource/deploy/step_generator.go (Diff's replaces → a replacement: second Check with olds = {}, then Create
// and Delete in the order deleteBeforeReplace asks) and isTargetedReplace (`up --replace`).
test('Volume source: another url, a file instead, a sha256 added, another file with its sha256 and a sha256Url instead replace create-before-delete (automatic name); up --replace fetches again', async () => {
  const baseUrl = served('/replace/base.qcow2', { body: fs.readFileSync(base.file) });
  const otherUrl = served('/replace/other.qcow2', { body: fs.readFileSync(other.file) });
  const sums = served('/replace/SHA256SUMS', { body: Buffer.from(`${base.sha256}  base.qcow2\n${other.sha256}  other.qcow2\n`) });

  // Each step: the program, the replaces and detailed diff it must answer, and the image the new volume holds.
  const steps = [
    { program: { pool: POOL, source: { url: otherUrl } }, replaces: ['source'], detailed: { 'source.url': Kind.UPDATE_REPLACE }, image: other },
    { program: { pool: POOL, source: { file: base.file } }, replaces: ['source'], detailed: { 'source.url': Kind.DELETE_REPLACE, 'source.file': Kind.ADD_REPLACE }, image: base },
    { program: { pool: POOL, source: { file: base.file }, sha256: base.sha256 }, replaces: ['sha256'], detailed: { sha256: Kind.ADD_REPLACE }, image: base },
    { program: { pool: POOL, source: { file: other.file }, sha256: other.sha256 }, replaces: ['sha256', 'source'], detailed: { sha256: Kind.UPDATE_REPLACE, 'source.file': Kind.UPDATE_REPLACE }, image: other },
    { program: { pool: POOL, source: { url: otherUrl }, sha256Url: sums }, replaces: ['sha256', 'sha256Url', 'source'], detailed: { sha256: Kind.DELETE_REPLACE, sha256Url: Kind.ADD_REPLACE, 'source.file': Kind.DELETE_REPLACE, 'source.url': Kind.ADD_REPLACE }, image: other },
  ];

  let vol = await up(VOLUME, `${RUN}-replace`, { pool: POOL, source: { url: baseUrl } });
  assert.ok(sameContent(base.file, vol.outputs.path));
  for (const { program, replaces, detailed, image } of steps) {
    const oldName = vol.inputs.name;
    const replaced = await upExisting(vol, program, {
      between: async () => assert.ok(volumeExists(oldName), 'create-before-delete: the old volume exists while the new one is made'),
    });
    const what = JSON.stringify(program);
    assert.deepEqual(replaced.diff.replaces, replaces, what);
    assert.deepEqual(replaced.diff.detailed, detailed, what);
    assert.equal(replaced.diff.deleteBeforeReplace, false, `an automatic name is made afresh: ${what}`);
    assert.equal(replaced.op, 'create-before-delete');
    assert.notEqual(replaced.state.inputs.name, oldName);
    assert.equal(volumeExists(oldName), false, 'the old volume is deleted');
    assert.ok(sameContent(image.file, replaced.state.outputs.path), `the new volume holds the new image: ${what}`);
    // The digest the image was verified against; none where no digest was asked (the image is not hashed then).
    const verified = program.sha256 !== undefined || program.sha256Url !== undefined;
    assert.equal(replaced.state.outputs.sha256, verified ? image.sha256 : undefined, what);
    assert.equal(replaced.state.outputs.capacity, image.size);
    vol = replaced.state;
  }
  assert.equal(requestsOf('/replace/base.qcow2'), 1);
  assert.equal(requestsOf('/replace/other.qcow2'), 2);
  assert.equal(requestsOf('/replace/SHA256SUMS'), 1);

  const again = await upReplace(vol, steps.at(-1).program);
  assert.equal(requestsOf('/replace/other.qcow2'), 3, 'up --replace fetches the image again');
  assert.equal(requestsOf('/replace/SHA256SUMS'), 2);
  assert.equal(volumeExists(vol.inputs.name), false);
  assert.ok(sameContent(other.file, again.state.outputs.path));
  assert.equal(again.state.outputs.sha256, other.sha256);
  assert.deepEqual(poolVolumes(), [again.state.inputs.name]);
  await destroy(again.state);
});

// pkg/resource/deploy/step_generator.go (a replacement whose Create fails: the old resource stays in the state).
test('Volume source: a replacement whose image does not match its sha256 fails ABORTED, leaves the old volume and no new one', async () => {
  const vol = await up(VOLUME, `${RUN}-mismatch`, { pool: POOL, source: { file: base.file } });
  const wrong = other.sha256;
  await expectStatus(upExisting(vol, { pool: POOL, source: { file: base.file }, sha256: wrong }), (e) => {
    assert.equal(e.code, grpc.status.ABORTED, `got ${statusName(e.code)}: ${e.details}`);
    assert.match(e.details, new RegExp(`${base.sha256}.*${wrong}`));
  });
  assert.deepEqual(poolVolumes(), [vol.inputs.name], 'the old volume stays, the half-made one is removed');
  await destroy(vol);
});

// --- failures ---------------------------------------------------------------------------------------------------

// pkg/resource/deploy/step_generator.go (Check failures are reported per property and stop the step; no Create).
test('Volume source: a source.file that does not exist is a CheckFailure on source.file, not a gRPC error', async () => {
  const missing = path.join(imageDir, 'no-such.qcow2');
  const checked = await p.check(VOLUME, `${RUN}-nofile`, { pool: POOL, source: { file: missing } }, { olds: {}, seed: newSeed() });
  assert.deepEqual(checked.failures.map((f) => f.property), ['source.file']);
  assert.ok(checked.failures[0].reason.includes(missing), checked.failures[0].reason);
});

// pkg/resource/deploy/step.go (CreateStep.Apply: an error without ErrorResourceInitFailed means nothing was made).
test('Volume source: a 404 url passes Check, fails the create over gRPC with the url and 404, and leaves no volume', async () => {
  const urlPath = '/missing/base.qcow2';
  const url = `${origin}${urlPath}`;
  const checked = await p.check(VOLUME, `${RUN}-404`, { pool: POOL, source: { url } }, { olds: {}, seed: newSeed() });
  assert.deepEqual(checked.failures, []);
  assert.equal(requestsOf(urlPath), 0, 'Check fetches nothing');
  await expectStatus(p.create(VOLUME, `${RUN}-404`, checked.inputs), (e) => {
    assert.equal(e.code, grpc.status.ABORTED, `got ${statusName(e.code)}: ${e.details}`);
    assert.ok(e.details.includes(url), e.details);
    assert.match(e.details, /\b404\b/);
  });
  assert.equal(requestsOf(urlPath), 1);
  assert.equal(volumeExists(checked.inputs.name), false);
  assert.deepEqual(poolVolumes(), []);
});

// pkg/resource/plugin/provider_plugin.go (Cancel) and pkg/resource/deploy/deployment_executor.go (Cancel on
// interrupt): Ctrl-C in `pulumi up` while an image streams in. A provider of its own, with the default stall timeout,
// so that only the Cancel can end the create.
test('Volume source: Cancel while an image streams in ends the create CANCELLED and removes the half-made volume', async () => {
  const body = fs.readFileSync(base.file);
  assert.ok(body.length > 512 * 1024, 'the image is longer than what the server sends before it stalls');
  const url = served('/cancel/base.qcow2', { body, stallAfter: 512 * 1024 });
  const q = new ProviderProcess({ project: 'enginevolsrc' });
  try {
    await q.start();
    await q.configure(URI);
    const checked = await q.check(VOLUME, `${RUN}-cancel`, { pool: POOL, source: { url } }, { olds: {}, seed: newSeed() });
    assert.deepEqual(checked.failures, []);
    const outcome = q.create(VOLUME, `${RUN}-cancel`, checked.inputs, { timeoutMs: 120_000 }).then((res) => ({ res }), (err) => ({ err }));
    // The volume is made once the image's first piece has arrived: from then on the upload is under way.
    for (let i = 0; i < 100 && !volumeExists(checked.inputs.name); i++) await sleep(100);
    assert.ok(volumeExists(checked.inputs.name), 'the upload began');
    await q.cancel();
    const result = await within(outcome, 30_000);
    assert.ok(!result.timeout, 'the create did not end within 30 s of Cancel');
    assert.ok(result.err, `the create must fail after Cancel, it answered ${JSON.stringify(result.res)}`);
    assert.equal(result.err.code, grpc.status.CANCELLED, `got ${statusName(result.err.code)}: ${result.err.details}`);
    assert.equal(volumeExists(checked.inputs.name), false, 'the half-made volume is removed');
  } finally {
    await q.stop();
  }
});

// The provider's downloadStallTimeout (Configure), against a server that answers the headers and then sends nothing.
test('Volume source: a server that stops sending fails the create after downloadStallTimeout and leaves no volume', async () => {
  const url = served('/stall/base.qcow2', { stall: true });
  const checked = await p.check(VOLUME, `${RUN}-stall`, { pool: POOL, source: { url } }, { olds: {}, seed: newSeed() });
  assert.deepEqual(checked.failures, []);
  const started = Date.now();
  await expectStatus(p.create(VOLUME, `${RUN}-stall`, checked.inputs), (e) => {
    assert.equal(e.code, grpc.status.ABORTED, `got ${statusName(e.code)}: ${e.details}`);
    assert.ok(e.details.includes(url), e.details);
    assert.match(e.details, /downloadStallTimeout/);
  });
  const seconds = (Date.now() - started) / 1000;
  assert.ok(seconds >= STALL_SECONDS - 0.5 && seconds < STALL_SECONDS + 20, `failed after ${seconds} s`);
  assert.equal(volumeExists(checked.inputs.name), false);
});
