#!/usr/bin/python3
"""The kubelet's side of the termination message, through a CRI endpoint.

One pod (namespace "batch", pod "jobs-0", host network) whose containers run
one after another. For each, the kubelet's preparation: an empty host file
KUBELET_ROOT/pods/<uid>/containers/<name>/<8 hex>, bind-mounted at
/dev/termination-log (terminationMessagePath's default), with the kubelet's
annotations; then CreateContainer, StartContainer, ContainerStatus polled
until the container has exited (as the kubelet's PLEG does), and the host
file read at that moment (the kubelet reads its last 4096 bytes when it sees
the exit). The container is removed; at the end the pod is stopped and
removed, whatever happened.

usage: cri-termmsg.py SOCKET PROTO_DIR KUBELET_ROOT LOG_ROOT CGROUP_PREFIX LIMIT NAME=SCRIPT...
Each container runs /bin/sh -c SCRIPT with the memory limit LIMIT (bytes),
in the pod cgroup CGROUP_PREFIX/kubepods/burstable/pod<uid>. Prints one JSON
object a line: {"pod": uid, "sandbox": id} first, then per container name,
id, state, exit_code, reason, message (ContainerStatus), host_path and
termination (the file's text). Needs python3-grpcio.
"""
import json
import os
import secrets
import sys
import time
import uuid

import grpc

sock, proto_dir, kubelet_root, log_root, cg_prefix, limit = sys.argv[1:7]
cases = [a.split("=", 1) for a in sys.argv[7:]]
sys.path.insert(0, proto_dir)
import api_pb2 as cri  # noqa: E402

channel = grpc.insecure_channel("unix://" + sock)
POD, NS = "jobs-0", "batch"
TERMINATION_PATH = "/dev/termination-log"
EXIT_WAIT = 60


def call(method, request, reply):
    rpc = channel.unary_unary("/runtime.v1.RuntimeService/" + method,
                              request_serializer=lambda m: m.SerializeToString(),
                              response_deserializer=getattr(cri, reply).FromString)
    return rpc(request, timeout=120)


def emit(obj):
    print(json.dumps(obj), flush=True)


uid = str(uuid.uuid4())
ns_opts = cri.NamespaceOption(network=cri.NODE, pid=cri.CONTAINER, ipc=cri.POD)
unconfined = cri.SecurityProfile(profile_type=cri.SecurityProfile.Unconfined)
sandbox = cri.PodSandboxConfig(
    metadata=cri.PodSandboxMetadata(name=POD, uid=uid, namespace=NS, attempt=0),
    # no hostname: a host-network pod has the node's UTS namespace
    log_directory=os.path.join(log_root, "%s_%s_%s" % (NS, POD, uid)),
    labels={"io.kubernetes.pod.name": POD, "io.kubernetes.pod.namespace": NS,
            "io.kubernetes.pod.uid": uid},
    annotations={"kubernetes.io/config.source": "api"},
    linux=cri.LinuxPodSandboxConfig(
        cgroup_parent="%s/kubepods/burstable/pod%s" % (cg_prefix, uid),
        security_context=cri.LinuxSandboxSecurityContext(namespace_options=ns_opts,
                                                         seccomp=unconfined)))


def termination_file(name):
    """What the kubelet makes before creating a container: an empty file
    pods/<uid>/containers/<name>/<random 8 hex>."""
    d = os.path.join(kubelet_root, "pods", uid, "containers", name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, secrets.token_hex(4))
    open(path, "w").close()
    return path


def run(pod_id, name, script):
    host = termination_file(name)
    config = cri.ContainerConfig(
        metadata=cri.ContainerMetadata(name=name, attempt=0),
        image=cri.ImageSpec(image="docker.io/library/bb:1"),
        command=["/bin/sh", "-c"], args=[script],
        mounts=[cri.Mount(container_path=TERMINATION_PATH, host_path=host)],
        labels={"io.kubernetes.container.name": name, "io.kubernetes.pod.name": POD,
                "io.kubernetes.pod.namespace": NS, "io.kubernetes.pod.uid": uid},
        annotations={"io.kubernetes.container.restartCount": "0",
                     "io.kubernetes.container.terminationMessagePath": TERMINATION_PATH,
                     "io.kubernetes.container.terminationMessagePolicy": "File"},
        log_path="%s/0.log" % name,
        linux=cri.LinuxContainerConfig(
            # a Burstable container's oom_score_adj is 2..999 (the kubelet's)
            resources=cri.LinuxContainerResources(memory_limit_in_bytes=int(limit),
                                                  oom_score_adj=999),
            security_context=cri.LinuxContainerSecurityContext(namespace_options=ns_opts,
                                                               seccomp=unconfined)))
    cid = call("CreateContainer", cri.CreateContainerRequest(pod_sandbox_id=pod_id, config=config,
                                                             sandbox_config=sandbox),
               "CreateContainerResponse").container_id
    call("StartContainer", cri.StartContainerRequest(container_id=cid), "StartContainerResponse")
    deadline = time.monotonic() + EXIT_WAIT
    while True:
        st = call("ContainerStatus", cri.ContainerStatusRequest(container_id=cid),
                  "ContainerStatusResponse").status
        if st.state == cri.CONTAINER_EXITED or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    # read as soon as the exit is visible, as the kubelet does
    with open(host, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    emit({"name": name, "id": cid, "state": cri.ContainerState.Name(st.state),
          "exit_code": st.exit_code, "reason": st.reason, "message": st.message,
          "host_path": host, "termination": text})
    call("RemoveContainer", cri.RemoveContainerRequest(container_id=cid), "RemoveContainerResponse")


def main():
    call("Version", cri.VersionRequest(version="v1"), "VersionResponse")
    os.makedirs(sandbox.log_directory, exist_ok=True)
    pod_id = call("RunPodSandbox", cri.RunPodSandboxRequest(config=sandbox),
                  "RunPodSandboxResponse").pod_sandbox_id
    emit({"pod": uid, "sandbox": pod_id})
    try:
        for name, script in cases:
            run(pod_id, name, script)
    finally:
        call("StopPodSandbox", cri.StopPodSandboxRequest(pod_sandbox_id=pod_id),
             "StopPodSandboxResponse")
        call("RemovePodSandbox", cri.RemovePodSandboxRequest(pod_sandbox_id=pod_id),
             "RemovePodSandboxResponse")


if __name__ == "__main__":
    main()
