"""Fixtures of the collector tests: libvirt node files, loopback API servers, a real etcd."""

from __future__ import annotations

from pathlib import Path

import pytest
from collector_lab import (
    SENTINEL_PASSWORD,
    SENTINEL_TOKEN,
    Z_OS_C_1,
    ZCLOUD,
    ZHOST_2,
    write_clouds_yaml,
    write_kubeconfig,
)

from topodoc.drift.resources import SourceSpec


@pytest.fixture(scope="session")
def libvirt_uris(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Test-driver URIs by hypervisor id: ``zcloud``, its nested ``z-os-c-1``, ``zhost-2``."""
    folder = tmp_path_factory.mktemp("libvirt")
    uris = {}
    for name, text in (("zcloud", ZCLOUD), ("z-os-c-1", Z_OS_C_1), ("zhost-2", ZHOST_2)):
        path = folder / f"{name}.xml"
        path.write_text(text)
        uris[name] = f"test://{path}"
    return uris


@pytest.fixture
def openstack_api():
    """7 servers over 3 hypervisors; pages of 3 so every list paginates."""
    from tests.servers.openstack_api import OpenStackAPI, OpenStackData

    with OpenStackAPI(
        OpenStackData.generate(servers=7), password=SENTINEL_PASSWORD, page_size=3
    ) as api:
        yield api


@pytest.fixture
def openstack_spec(openstack_api, tmp_path):
    clouds = write_clouds_yaml(tmp_path, f"{openstack_api.url}/identity/v3")
    return SourceSpec(
        "openstack:zc-os",
        "openstack",
        "zc-os",
        "zc",
        {"clouds_yaml": str(clouds), "region": "RegionOne"},
        timeout_s=5.0,
    )


@pytest.fixture
def kubernetes_api():
    """3 control-plane nodes and 2 workers; pages of 2 so every list paginates."""
    from tests.servers.kubernetes_api import KubernetesAPI, KubernetesData

    with KubernetesAPI(
        KubernetesData.generate(nodes=5, masters=3), token=SENTINEL_TOKEN, page_size=2
    ) as api:
        yield api


@pytest.fixture
def kubernetes_spec(kubernetes_api, tmp_path):
    kubeconfig = write_kubeconfig(tmp_path, kubernetes_api.url)
    return SourceSpec(
        "kubernetes:z-k8s",
        "kubernetes",
        "z-k8s",
        "z-k8s-admin",
        {"kubeconfig": str(kubeconfig)},
        timeout_s=5.0,
    )


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
