"""Python grpcio peer for Scripts/bench-rpc: serves /bench.v1.Bench/Echo (raw bytes echo).

Prints 'PORT <n>' once listening and serves until SIGTERM/SIGINT. No protobuf: the generic
handler passes request bytes through unchanged, exactly what the Swift server does.
"""
import argparse
import signal
import sys
import threading
from concurrent import futures

import grpc


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(lambda request, context: request),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("bench.v1.Bench", handlers),))
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    server.start()
    print(f"PORT {port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=1).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
