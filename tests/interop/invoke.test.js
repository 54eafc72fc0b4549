'use strict';
// Invoke suite: the functions (getNodeInfo, getDomain, getVolume) called through Pulumi's own generated stubs
// (provider-client.js) as the engine calls them for a program's invoke (pkg/resource/plugin/provider_plugin.go,
// Invoke): a result is compared with what virsh shows, wrong arguments come back as failures (the SDKs report
// "Invoke of 'TOKEN' failed: REASON (PROPERTY)"), a missing object as a NOT_FOUND error whose message the engine
// passes on ("invocation of TOKEN returned an error: MESSAGE"). Run from the repository root:
// node --test tests/interop/invoke.test.js
//
// Everything it makes is named after one run prefix (inv-<pid>-<random>): a transient directory pool, a transient
// network, two volumes and a shut-off domain. after() removes them even when tests fail, and touches nothing else.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const { grpc, ProviderProcess } = require('./provider-client.js');
const { URI, expectLibvirt, virsh, virshOk, expectStatus } = require('./engine-steps.js');

const GET_DOMAIN = 'libvirt:index:getDomain';
const GET_VOLUME = 'libvirt:index:getVolume';
const GET_NODE_INFO = 'libvirt:index:getNodeInfo';

const RUN = `inv-${process.pid.toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
const POOL = `${RUN}-pool`;
const NET = `${RUN}-net`;
const BRIDGE = `vinv${crypto.randomBytes(3).toString('hex')}`; // at most 15 characters
const DOMAIN = `${RUN}-tpl`;
const BASE = `${RUN}-base.raw`;
const OVERLAY = `${RUN}-overlay.qcow2`;
let poolDir;
let p;

// "Key: value" lines, as virsh nodeinfo and vol-info print them.
const fields = (text) => Object.fromEntries(text.split('\n').filter((l) => l.includes(':'))
  .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()]));

before(async () => {
  expectLibvirt();
  poolDir = fs.mkdtempSync(path.join(os.tmpdir(), `${RUN}-`));
  virshOk('pool-create-as', POOL, 'dir', '--target', poolDir);
  const netXml = path.join(poolDir, 'net.xml');
  fs.writeFileSync(netXml, `<network><name>${NET}</name><bridge name='${BRIDGE}'/></network>`);
  virshOk('net-create', netXml);
  fs.rmSync(netXml);
  virshOk('vol-create-as', POOL, BASE, '4M', '--format', 'raw');
  const basePath = virshOk('vol-path', '--pool', POOL, BASE).trim();
  virshOk('vol-create-as', POOL, OVERLAY, '4M', '--format', 'qcow2', '--backing-vol', basePath, '--backing-vol-format', 'raw');
  const overlayPath = virshOk('vol-path', '--pool', POOL, OVERLAY).trim();
  const domainXml = path.join(poolDir, 'domain.xml');
  fs.writeFileSync(domainXml, `<domain type='qemu'><name>${DOMAIN}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${overlayPath}'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'><source network='${NET}'/><model type='virtio'/></interface>
  </devices>
</domain>`);
  virshOk('define', domainXml);
  fs.rmSync(domainXml);

  p = new ProviderProcess({ project: 'invoke' });
  await p.start();
  await p.configure(URI);
});

after(async () => {
  try {
    if (p) await p.stop();
  } finally {
    virsh('undefine', DOMAIN);
    virsh('vol-delete', '--pool', POOL, OVERLAY);
    virsh('vol-delete', '--pool', POOL, BASE);
    virsh('pool-destroy', POOL);
    virsh('net-destroy', NET);
    if (poolDir) fs.rmSync(poolDir, { recursive: true, force: true });
  }
});

test('getNodeInfo: the host as virsh nodeinfo, hostname and capabilities show it', async () => {
  const { result, failures } = await p.invoke(GET_NODE_INFO);
  assert.deepEqual(failures, []);
  const node = fields(virshOk('nodeinfo'));
  assert.equal(result.cpuModel, node['CPU model']);
  assert.equal(result.cpus, Number(node['CPU(s)']));
  assert.equal(result.cores, Number(node['Core(s) per socket']));
  assert.equal(result.memory, Number(node['Memory size'].split(' ')[0]) * 1024);
  assert.equal(result.hostname, virshOk('hostname').trim());
  const offered = [...new Set([...virshOk('capabilities').matchAll(/<domain type='([a-z]+)'/g)].map((m) => m[1]))].sort();
  assert.deepEqual(result.domainTypes, offered);
  assert.equal(result.kvm, offered.includes('kvm'));
  assert.match(virshOk('version'), new RegExp(`Using library: libvirt ${result.libvirtVersion.replaceAll('.', '\\.')}\\n`));
});

test('getDomain: a domain made by hand, by name and by UUID, with its disks, MACs and networks', async () => {
  const uuid = virshOk('domuuid', DOMAIN).trim();
  const { result, failures } = await p.invoke(GET_DOMAIN, { name: DOMAIN });
  assert.deepEqual(failures, []);
  assert.equal(result.uuid, uuid);
  assert.equal(result.name, DOMAIN);
  assert.equal(result.state, 'shutoff');
  assert.equal(result.running, false);
  assert.equal(result.memory, 64);
  assert.equal(result.vcpus, 1);
  const overlayKey = virshOk('vol-key', '--pool', POOL, OVERLAY).trim();
  assert.deepEqual(result.disks, [{ target: 'vda', device: 'disk', path: virshOk('vol-path', '--pool', POOL, OVERLAY).trim(), volume: overlayKey, format: 'qcow2' }]);
  const macs = [...virshOk('dumpxml', '--inactive', DOMAIN).matchAll(/<mac address='([0-9a-f:]+)'\/>/g)].map((m) => m[1]);
  assert.deepEqual(result.macs, macs);
  assert.deepEqual(result.networks, [NET]);

  assert.deepEqual((await p.invoke(GET_DOMAIN, { name: uuid })).result, result);
});

test('getVolume: by pool and name, and by key, with its backing store', async () => {
  const { result, failures } = await p.invoke(GET_VOLUME, { pool: POOL, name: OVERLAY });
  assert.deepEqual(failures, []);
  const info = fields(virshOk('vol-info', '--pool', POOL, OVERLAY, '--bytes'));
  assert.equal(result.key, virshOk('vol-key', '--pool', POOL, OVERLAY).trim());
  assert.equal(result.name, OVERLAY);
  assert.equal(result.pool, POOL);
  assert.equal(`${result.capacity} bytes`, info.Capacity);
  assert.equal(`${result.allocation} bytes`, info.Allocation);
  assert.equal(result.format, 'qcow2');
  assert.deepEqual(result.backingStore, { path: virshOk('vol-path', '--pool', POOL, BASE).trim(), format: 'raw' });

  assert.deepEqual((await p.invoke(GET_VOLUME, { key: result.key })).result, result);
});

test('a missing object is NOT_FOUND naming what was looked for; wrong arguments are failures naming the property', async () => {
  const missing = `${RUN}-nothing`;
  const error = await expectStatus(p.invoke(GET_DOMAIN, { name: missing }), (err) => assert.equal(err.code, grpc.status.NOT_FOUND));
  assert.match(error.details, new RegExp(`^No domain named or with UUID '${missing}' on qemu:///system\\.`));
  const volume = await expectStatus(p.invoke(GET_VOLUME, { pool: POOL, name: missing }), (err) => assert.equal(err.code, grpc.status.NOT_FOUND));
  assert.match(volume.details, new RegExp(`^No volume named '${missing}' in storage pool '${POOL}' on qemu:///system\\.`));

  const both = await p.invoke(GET_VOLUME, { key: '/x', name: OVERLAY });
  assert.equal(both.result, undefined);
  assert.deepEqual(both.failures.map((f) => f.property), ['name']);
  assert.match(both.failures[0].reason, /'name' cannot go with 'key'/);
  const typo = await p.invoke(GET_DOMAIN, { nmae: DOMAIN });
  assert.deepEqual(typo.failures.map((f) => f.property).sort(), ['name', 'nmae']);
});
