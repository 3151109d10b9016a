"""The collector tests' lab: libvirt node files, planted secrets, client configuration files.

A plain module (not the conftest) so tests import it by its unique name.
"""

from __future__ import annotations

from pathlib import Path

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
    <memory unit='GiB'>8</memory><currentMemory unit='GiB'>6</currentMemory>
    <vcpu current='2'>4</vcpu>
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

#: A second physical host: one guest whose CPU model forces SVM.
ZHOST_2 = f"""<node>
  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>2</threads>
       <active>8</active><mhz>3000</mhz><model>x86_64</model></cpu>
  <memory>67108864</memory>
  <domain type='test' {TEST_NS}>
    <name>z-util-1</name><uuid>5b0e4f6a-0000-4000-8000-000000000004</uuid>
    <memory unit='GiB'>4</memory><vcpu>2</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <cpu mode='host-model'><feature policy='force' name='svm'/></cpu>
    <devices><interface type='direct'><source dev='eno2' mode='bridge'/></interface></devices>
  </domain>
  <domain type='test' {TEST_NS}>
    <name>QEMUGuest1</name><uuid>5b0e4f6a-0000-4000-8000-000000000005</uuid>
    <memory unit='GiB'>2</memory><vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <cpu mode='custom'><model>Haswell</model><feature policy='optional' name='vmx'/></cpu>
  </domain>
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


#: Secrets planted in the configuration: none may ever show up in any output.
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
