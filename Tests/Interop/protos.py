"""Generates Python modules for SecondPass's Protos/ with grpc_tools.protoc at test time.

The Swift tests and the Python gRPC peers use this so that the Python side is always built from
the same .proto files as the Swift side, never from checked-in generated code.
"""

import contextlib
import importlib
import os
import sys
import tempfile

from google.protobuf import descriptor_pool, message_factory

PROTO_MODULES = [
    "grpc.health.v1.health",
    "secondpass.rescoring.v1.nbest",
    "secondpass.rescoring.v1.rescorer",
    "secondpass.rescoring.v1.metrics",
]


def _proto_files(proto_dir):
    files = []
    for root, _, names in os.walk(proto_dir):
        for name in names:
            if name.endswith(".proto"):
                files.append(os.path.relpath(os.path.join(root, name), proto_dir))
    return sorted(files)


@contextlib.contextmanager
def generated_modules(proto_dir):
    """Yields {short name: (pb2 module, pb2_grpc module)} generated into a temporary folder.

    health has no pb2_grpc module: its package name grpc.health would collide with the grpc
    library, so its message module is loaded by path and its service is served and called
    through grpc's generic handlers instead.
    """
    from grpc_tools import protoc
    import grpc_tools

    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    with tempfile.TemporaryDirectory(prefix="secondpass-pyproto-") as out:
        args = ["protoc", f"-I{proto_dir}", f"-I{include}", f"--python_out={out}", f"--grpc_python_out={out}"]
        status = protoc.main(args + _proto_files(proto_dir))
        if status != 0:
            raise RuntimeError(f"grpc_tools.protoc failed with status {status}")
        # The generated packages are namespace packages named grpc.* and secondpass.*; grpc.*
        # would collide with the grpc library, so the health module is loaded by file path.
        sys.path.insert(0, out)
        try:
            modules = {"health": (_load(out, "grpc.health.v1.health_pb2"), None)}
            for name in PROTO_MODULES[1:]:
                short = name.rsplit(".", 1)[-1]
                modules[short] = (importlib.import_module(name + "_pb2"), importlib.import_module(name + "_pb2_grpc"))
            yield modules
        finally:
            sys.path.remove(out)


def _load(root, dotted):
    import importlib.util

    path = os.path.join(root, *dotted.split(".")) + ".py"
    spec = importlib.util.spec_from_file_location(dotted.replace(".", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def message_class(full_name):
    """The generated message class for a fully qualified message name."""
    descriptor = descriptor_pool.Default().FindMessageTypeByName(full_name)
    return message_factory.GetMessageClass(descriptor)
