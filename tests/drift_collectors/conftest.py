"""Fixtures of the collector tests: libvirt node files, loopback API servers, a real etcd."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from topodoc.drift.collect import SourceSpec

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.servers

TEST_NS = "xmlns:test='http://libvirt.org/schemas/domain/test/1.0'"
NOVA_NS = "xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'"

#: The physical host: a k8s master with nested virt, an OpenStack compute node that is itself
#: a hypervisor (node file z-os-c-1), a shut-off VM; two networks and a pool.
ZCLOUD = f"""<node>
  <cpu><nodes>1</nodes><sockets>2</sockets><cores>8</cores><threads>2</threads>
       <active>32</active><mhz>2400</mhz><model>x86_64</model></cpu>
  <memory>268435456</memory>
  <domain type='test' {TEST_NS}>
    <name>z-k8s-m-1</name><uuid>5b0e4f6a-0000-4000-8000-000000000001</uuid>
    <memory unit='GiB'>8</memory><vcpu current='2'>4</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <cpu mode='host-passthrough'/>
    <devices>
      <disk type='file' device='disk'><source file='/dev/null'/><target dev='vdb'/></disk>
      <disk type='file' device='disk'><source file='/dev/null'/><target dev='vda'/></disk>
      <disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>
      <interface type='network'><source network='default'/></interface>
      <interface type='bridge'><source bridge='br0'/></interface>
    </devices>
  </domain>
  <domain type='test' {TEST_NS}>
    <name>z-os-c-1</name><uuid>5b0e4f6a-0000-4000-8000-000000000002</uuid>
    <memory unit='GiB'>32</memory><vcpu>8</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <cpu mode='custom' match='exact'><model>Haswell</model>
      <feature policy='require' name='vmx'/></cpu>
    <devices><interface type='bridge'><source bridge='br0'/></interface></devices>
  </domain>
  <domain type='test' {TEST_NS}>
    <name>z-old</name><uuid>5b0e4f6a-0000-4000-8000-000000000003</uuid>
    <memory unit='MiB'>1024</memory><vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <cpu mode='host-passthrough'><feature policy='disable' name='vmx'/></cpu>
    <test:runstate>5</test:runstate>
  </domain>
  <network><name>default</name><bridge name='virbr0'/><forward mode='nat'/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/></network>
  <network><name>isolated</name><bridge name='virbr9'/></network>
  <pool type='dir'><name>images</name><target><path>/var/lib/libvirt/images</path></target></pool>
</node>
"""

#: The nested level: z-os-c-1 as a hypervisor, running a Nova instance and a paused domain.
Z_OS_C_1 = f"""<node>
  <cpu><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>1</threads>
       <active>8</active><mhz>2400</mhz><model>x86_64</model></cpu>
  <memory>33554432</memory>
  <domain type='test' {TEST_NS}>
    <name>instance-00000001</name><uuid>8a2c7c36-1f9e-4d5e-9d0a-7b1c0c1e0001</uuid>
    <metadata><nova:instance {NOVA_NS}><nova:name>web-1</nova:name>
      <nova:flavor name='m1.small'><nova:memory>2048</nova:memory></nova:flavor>
    </nova:instance></metadata>
    <memory unit='MiB'>2048</memory><vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices><interface type='bridge'><source bridge='qbr1'/></interface></devices>
  </domain>
  <domain type='test' {TEST_NS}>
    <name>scratch</name><uuid>8a2c7c36-1f9e-4d5e-9d0a-7b1c0c1e0002</uuid>
    <memory unit='MiB'>512</memory><vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <test:runstate>3</test:runstate>
  </domain>
</node>
"""


@pytest.fixture(scope="session")
def libvirt_uris(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Test-driver URIs by hypervisor id: ``zcloud`` and its nested ``z-os-c-1``."""
    folder = tmp_path_factory.mktemp("libvirt")
    uris = {}
    for name, text in (("zcloud", ZCLOUD), ("z-os-c-1", Z_OS_C_1)):
        path = folder / f"{name}.xml"
        path.write_text(text)
        uris[name] = f"test://{path}"
    return uris


# -- secrets planted in the configuration: none may ever show up in any output -----------------
SENTINEL_PASSWORD = "pw-SENTINEL-7f3a9c"
SENTINEL_TOKEN = "tok-SENTINEL-2b8e41"
SENTINEL_ETCD = "etcd-SENTINEL-c05d12"
SENTINELS = (SENTINEL_PASSWORD, SENTINEL_TOKEN, SENTINEL_ETCD)


def write_clouds_yaml(folder: Path, auth_url: str, password: str = SENTINEL_PASSWORD) -> Path:
    path = folder / "clouds.yaml"
    path.write_text(f"""clouds:
  zc:
    auth:
      auth_url: {auth_url}
      username: admin
      password: {password}
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
""")
    return path


def write_kubeconfig(folder: Path, server: str, token: str = SENTINEL_TOKEN) -> Path:
    path = folder / "kubeconfig"
    path.write_text(f"""apiVersion: v1
kind: Config
clusters:
- name: z-k8s
  cluster: {{server: "{server}"}}
users:
- name: admin
  user: {{token: {token}}}
contexts:
- name: z-k8s-admin
  context: {{cluster: z-k8s, user: admin}}
current-context: z-k8s-admin
""")
    return path


@pytest.fixture
def openstack_api():
    """7 servers over 3 hypervisors; pages of 3 so every list paginates."""
    from tests.servers.openstack_api import OpenStackAPI, OpenStackData

    with OpenStackAPI(OpenStackData.generate(servers=7), password=SENTINEL_PASSWORD,
                      page_size=3) as api:
        yield api


@pytest.fixture
def openstack_spec(openstack_api, tmp_path):
    clouds = write_clouds_yaml(tmp_path, f"{openstack_api.url}/identity/v3")
    return SourceSpec("openstack:zc-os", "openstack", "zc-os", "zc",
                      {"clouds_yaml": str(clouds), "region": "RegionOne"}, timeout_s=5.0)


@pytest.fixture
def kubernetes_api():
    """3 control-plane nodes and 2 workers; pages of 2 so every list paginates."""
    from tests.servers.kubernetes_api import KubernetesAPI, KubernetesData

    with KubernetesAPI(KubernetesData.generate(nodes=5, masters=3), token=SENTINEL_TOKEN,
                       page_size=2) as api:
        yield api


@pytest.fixture
def kubernetes_spec(kubernetes_api, tmp_path):
    kubeconfig = write_kubeconfig(tmp_path, kubernetes_api.url)
    return SourceSpec("kubernetes:z-k8s", "kubernetes", "z-k8s", "z-k8s-admin",
                      {"kubeconfig": str(kubeconfig)}, timeout_s=5.0)


@pytest.fixture(scope="session")
def etcd(tmp_path_factory):
    """A real single-member etcd on loopback ports."""
    from tests.servers.etcd_server import ETCD, EtcdServer

    if not Path(ETCD).is_file():
        pytest.skip(f"{ETCD} is absent (Debian: apt-get install etcd-server)")
    with EtcdServer(tmp_path_factory.mktemp("etcd")) as server:
        yield server


@pytest.fixture(scope="session")
def etcd_tls(tmp_path_factory):
    """A real etcd serving HTTPS that demands client certificates; yields (server, files)."""
    from tests.servers.etcd_server import ETCD, EtcdServer, make_tls_files

    if not Path(ETCD).is_file():
        pytest.skip(f"{ETCD} is absent (Debian: apt-get install etcd-server)")
    folder = tmp_path_factory.mktemp("etcd-tls")
    tls = make_tls_files(folder)
    with EtcdServer(folder, tls=tls) as server:
        yield server, tls
