'use strict';
// The call sequences Pulumi's engine makes for one resource (pkg/resource/deploy in pulumi/pulumi), and the small
// helpers every engine suite shares. A resource's state is what the engine stores: { type, name, id, inputs, outputs }.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');

const { grpc, DiffChanges } = require('./provider-client.js');

const URI = 'qemu:///system';

const newSeed = () => crypto.randomBytes(32); // the engine's fresh seed for one deployment
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The promise's outcome, or { timeout: true } after ms (the timer never outlives the answer).
function within(promise, ms) {
  let timer;
  const expired = new Promise((r) => { timer = setTimeout(() => r({ timeout: true }), ms); });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

// --- libvirt, seen from outside the provider --------------------------------------------------------------------

function virsh(...args) {
  return spawnSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

// Fails the suite at once, saying why, when libvirtd does not answer: make test starts it, so that is never a skip.
function expectLibvirt() {
  const probe = virsh('uri');
  assert.equal(probe.status, 0, `${URI} is not reachable (make test starts libvirtd): ${probe.stderr || probe.error}`);
}

function virshOk(...args) {
  const r = virsh(...args);
  assert.equal(r.status, 0, `virsh ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

// The names `virsh LIST --all --name` prints (list, pool-list, net-list…) that start with prefix.
function virshNames(list, prefix = '') {
  return (virsh(list, '--all', '--name').stdout || '').split('\n').map((s) => s.trim()).filter((n) => n && n.startsWith(prefix));
}

// --- the engine's sequences, on the provider process p (as one engine would start it) -----------------------------

function engineSteps(p) {
  // `pulumi preview` of a new resource: Check (olds = {}), then Create(preview = true).
  async function preview(type, name, program, { seed = newSeed() } = {}) {
    const checked = await p.check(type, name, program, { olds: {}, seed });
    assert.deepEqual(checked.failures, [], `Check of ${name} failed`);
    const created = await p.create(type, name, checked.inputs, { preview: true });
    return { checked, ...created };
  }

  // `pulumi up` of a new resource: Check (olds = {}, a fresh seed), then Create with the checked inputs.
  async function up(type, name, program, { seed = newSeed(), provider = p } = {}) {
    const checked = await provider.check(type, name, program, { olds: {}, seed });
    assert.deepEqual(checked.failures, [], `Check of ${name} failed`);
    const { id, outputs } = await provider.create(type, name, checked.inputs);
    assert.ok(id, `Create of ${name} answered no id`);
    return { type, name, id, inputs: checked.inputs, outputs };
  }

  // `pulumi destroy` of one resource (and the delete half of a replacement): Delete with the state.
  async function destroy(state, provider = p) {
    await provider.del(state.type, state.name, state.id, state.outputs, state.inputs);
  }

  // `pulumi up` of an existing resource: Check(olds = old inputs) → Diff(old outputs, old inputs, checked) → Update, or
  // a replacement: a second Check (olds = {}, the raw program, the same seed), then Create and Delete in the order
  // Diff's deleteBeforeReplace asks. Answers every step's result, and the new state.
  async function upExisting(state, program, { seed = newSeed(), between } = {}) {
    const { type, name } = state;
    const check = await p.check(type, name, program, { olds: state.inputs, seed });
    assert.deepEqual(check.failures, [], `Check of ${name} failed`);
    const diff = await p.diff(type, name, state.id, state.outputs, state.inputs, check.inputs);
    if (diff.changes === DiffChanges.DIFF_NONE) return { check, diff, op: 'same', state: { ...state, inputs: check.inputs } };
    if (diff.replaces.length === 0) {
      const { outputs } = await p.update(type, name, state.id, state.outputs, state.inputs, check.inputs);
      return { check, diff, op: 'update', state: { ...state, inputs: check.inputs, outputs } };
    }
    const replacementCheck = await p.check(type, name, program, { olds: {}, seed });
    assert.deepEqual(replacementCheck.failures, [], `the replacement's Check of ${name} (olds = {}) failed`);
    const create = async () => {
      const { id, outputs } = await p.create(type, name, replacementCheck.inputs);
      assert.ok(id);
      return { type, name, id, inputs: replacementCheck.inputs, outputs };
    };
    let replaced;
    if (diff.deleteBeforeReplace) {
      await destroy(state);
      if (between) await between();
      replaced = await create();
    } else {
      replaced = await create();
      if (between) await between();
      await destroy(state);
    }
    const op = diff.deleteBeforeReplace ? 'delete-before-replace' : 'create-before-delete';
    return { check, diff, replacementCheck, op, state: replaced };
  }

  // `pulumi up --replace URN`: Check with no olds and no Diff, no second Check; the new one is created before the old
  // one is deleted. A failing Create rejects, and the old resource is then left as it is.
  async function upReplace(state, program, { seed = newSeed() } = {}) {
    const { type, name } = state;
    const check = await p.check(type, name, program, { olds: {}, seed });
    assert.deepEqual(check.failures, [], `Check of ${name} failed`);
    const { id, outputs } = await p.create(type, name, check.inputs);
    assert.ok(id);
    await destroy(state);
    return { check, state: { type, name, id, inputs: check.inputs, outputs } };
  }

  // `pulumi refresh`: Read(id, inputs, outputs); an empty id is gone. Then the refresh diff the user sees: Diff with the
  // refreshed outputs and inputs as olds and the old inputs as news.
  async function refresh(state) {
    const { type, name } = state;
    const read = await p.read(type, name, state.id, state.outputs, state.inputs);
    if (read.id === '') return { gone: true, read };
    const refreshed = { ...state, id: read.id, inputs: read.hasInputs ? read.inputs : state.inputs, outputs: read.outputs };
    const diff = await p.diff(type, name, refreshed.id, refreshed.outputs, refreshed.inputs, state.inputs);
    return { gone: false, read, diff, state: refreshed };
  }

  // `pulumi import TYPE NAME ID`: Read(id) with no inputs and no properties. Then Check(olds = news = read inputs), and
  // the Diff the next `up` of the generated program makes.
  async function importResource(type, name, id) {
    const read = await p.read(type, name, id);
    if (!read.hasProperties) return { exists: false, read };
    assert.ok(read.hasInputs, 'an import must answer inputs (absent inputs mean "cannot import")');
    assert.ok(read.id, 'an import must answer the id');
    const check = await p.check(type, name, read.inputs, { olds: read.inputs, seed: newSeed() });
    const diff = await p.diff(type, name, read.id, read.outputs, read.inputs, check.inputs);
    return { exists: true, read, check, diff, state: { type, name, id: read.id, inputs: read.inputs, outputs: read.outputs } };
  }

  return { preview, up, destroy, upExisting, upReplace, refresh, importResource };
}

async function expectStatus(promise, check) {
  let error;
  await assert.rejects(promise, (err) => {
    error = err;
    return true;
  });
  assert.equal(typeof error.code, 'number', `not a gRPC error: ${error}`);
  check(error);
  return error;
}

const statusName = (code) => Object.keys(grpc.status).find((k) => grpc.status[k] === code) ?? String(code);

module.exports = { URI, newSeed, sleep, within, expectLibvirt, virsh, virshOk, virshNames, engineSteps, expectStatus, statusName };
