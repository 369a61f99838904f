#!/usr/bin/python3
"""Runs one pod through a CRI endpoint the way the kubelet would ask for it:
a Burstable pod "web-0" in namespace "shop" with one container "app"
(requests 100m CPU / 64 MiB, limit 256 MiB), pod networking, the kubelet's
labels, annotations and mounts. Then stops and removes the pod.

usage: cri-pod.py SOCKET PROTO_DIR KUBELET_ROOT LOG_ROOT [SECONDS]
PROTO_DIR holds api_pb2.py compiled from the CRI runtime/v1 api.proto
(protoc --python_out). Needs python3-grpcio. Prints the pod's uid and the
container id on stdout.
"""
import os
import sys
import time
import uuid

import grpc

sock, proto_dir, kubelet_root, log_root = sys.argv[1:5]
linger = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0
sys.path.insert(0, proto_dir)
import api_pb2 as cri  # noqa: E402

channel = grpc.insecure_channel("unix://" + sock)


def call(method, request, reply):
    rpc = channel.unary_unary("/runtime.v1.RuntimeService/" + method,
                              request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=getattr(cri, reply).FromString)
    return rpc(request, timeout=120)


NODE_MEMORY = 24 << 30
POD, NS, CONTAINER = "web-0", "shop", "app"
uid = str(uuid.uuid4())
request_mem, limit_mem, request_cpu_milli = 64 << 20, 256 << 20, 100
qos_parent = "/kubepods/burstable/pod" + uid
# kubelet: Burstable containers get 1000 - 1000 * request / capacity, in [2, 999]
oom_score_adj = min(999, max(2, 1000 - (1000 * request_mem) // NODE_MEMORY))

call("Version", cri.VersionRequest(version="v1"), "VersionResponse")

ns_opts = cri.NamespaceOption(network=cri.POD, pid=cri.CONTAINER, ipc=cri.POD)
pod_labels = {"app": "web", "controller-revision-hash": "web-6d4cf56db6",
              "statefulset.kubernetes.io/pod-name": POD,
              "io.kubernetes.pod.name": POD, "io.kubernetes.pod.namespace": NS,
              "io.kubernetes.pod.uid": uid}
seen = time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime())
sandbox = cri.PodSandboxConfig(
    metadata=cri.PodSandboxMetadata(name=POD, uid=uid, namespace=NS, attempt=0),
    hostname=POD,
    log_directory=os.path.join(log_root, "%s_%s_%s" % (NS, POD, uid)),
    dns_config=cri.DNSConfig(servers=["10.96.0.10"],
                             searches=["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"],
                             options=["ndots:5"]),
    labels=pod_labels,
    annotations={"kubernetes.io/config.seen": seen, "kubernetes.io/config.source": "api"},
    linux=cri.LinuxPodSandboxConfig(
        cgroup_parent=qos_parent,
        security_context=cri.LinuxSandboxSecurityContext(
            namespace_options=ns_opts,
            seccomp=cri.SecurityProfile(profile_type=cri.SecurityProfile.Unconfined)),
        resources=cri.LinuxContainerResources(cpu_period=100000, cpu_shares=102,
                                              memory_limit_in_bytes=limit_mem)))
os.makedirs(sandbox.log_directory, exist_ok=True)
pod_id = call("RunPodSandbox", cri.RunPodSandboxRequest(config=sandbox),
              "RunPodSandboxResponse").pod_sandbox_id

# what the kubelet prepares on the host for the container's mounts
pod_dir = os.path.join(kubelet_root, "pods", uid)
hosts = os.path.join(pod_dir, "etc-hosts")
term = os.path.join(pod_dir, "containers", CONTAINER, "5f3a9c1e")
sa = os.path.join(pod_dir, "volumes", "kubernetes.io~projected", "kube-api-access-7xk2p")
os.makedirs(os.path.dirname(term), exist_ok=True)
os.makedirs(sa, exist_ok=True)
with open(hosts, "w") as f:
    f.write("127.0.0.1\tlocalhost\n10.244.0.2\tweb-0.web.shop.svc.cluster.local\tweb-0\n")
open(term, "w").close()
for name in ("ca.crt", "namespace", "token"):
    with open(os.path.join(sa, name), "w") as f:
        f.write(NS if name == "namespace" else "")

env = {"GREETING": "h\u00e9llo\u2192\u4e16\u754c", "KUBERNETES_SERVICE_HOST": "10.96.0.1",
       "KUBERNETES_SERVICE_PORT": "443", "KUBERNETES_SERVICE_PORT_HTTPS": "443",
       "KUBERNETES_PORT": "tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443",
       "KUBERNETES_PORT_443_TCP_PROTO": "tcp", "KUBERNETES_PORT_443_TCP_PORT": "443",
       "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1"}
container = cri.ContainerConfig(
    metadata=cri.ContainerMetadata(name=CONTAINER, attempt=0),
    image=cri.ImageSpec(image="docker.io/library/bb:1"),
    command=["/bin/sh", "-c"],
    args=["sleep %g" % linger],
    # value is bytes in newer api.proto, string (same wire format) in older ones
    envs=[cri.KeyValue(key=k, value=v.encode()) for k, v in env.items()],
    mounts=[cri.Mount(container_path="/var/run/secrets/kubernetes.io/serviceaccount", host_path=sa,
                      readonly=True),
            cri.Mount(container_path="/etc/hosts", host_path=hosts),
            cri.Mount(container_path="/dev/termination-log", host_path=term)],
    labels={"io.kubernetes.container.name": CONTAINER, "io.kubernetes.pod.name": POD,
            "io.kubernetes.pod.namespace": NS, "io.kubernetes.pod.uid": uid},
    annotations={"io.kubernetes.container.hash": "7c5e2b1a",
                 "io.kubernetes.container.restartCount": "0",
                 "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
                 "io.kubernetes.container.terminationMessagePolicy": "File",
                 "io.kubernetes.pod.terminationGracePeriod": "30"},
    log_path="%s/0.log" % CONTAINER,
    linux=cri.LinuxContainerConfig(
        resources=cri.LinuxContainerResources(
            cpu_period=100000, cpu_shares=(request_cpu_milli * 1024) // 1000,
            memory_limit_in_bytes=limit_mem, oom_score_adj=oom_score_adj),
        security_context=cri.LinuxContainerSecurityContext(
            namespace_options=ns_opts,
            seccomp=cri.SecurityProfile(profile_type=cri.SecurityProfile.Unconfined),
            masked_paths=["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                          "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                          "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"],
            readonly_paths=["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"])))
cid = call("CreateContainer", cri.CreateContainerRequest(pod_sandbox_id=pod_id, config=container,
                                                         sandbox_config=sandbox),
           "CreateContainerResponse").container_id
call("StartContainer", cri.StartContainerRequest(container_id=cid), "StartContainerResponse")
print(uid, cid, flush=True)
time.sleep(linger + 0.5)
call("StopPodSandbox", cri.StopPodSandboxRequest(pod_sandbox_id=pod_id), "StopPodSandboxResponse")
call("RemovePodSandbox", cri.RemovePodSandboxRequest(pod_sandbox_id=pod_id), "RemovePodSandboxResponse")
