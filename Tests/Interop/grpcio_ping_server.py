"""grpcio peer for the bidi ping-pong benchmark (Scripts/bench-rpc): serves
/bench.v1.Bench/PingPong, echoing every message of a stream back on it, as `rpc-bench serve` does.

grpc.aio (asyncio on the C core): each stream's echo is a read and a write awaited in turn on one
event loop, the same shape as the Swift handler, instead of a thread per stream. Raw bytes, no
protobuf. Prints 'PORT <n>' once listening and serves until SIGTERM/SIGINT.
"""
import argparse
import asyncio
import signal
import sys

import grpc


async def ping_pong(request_iterator, context):
    async for message in request_iterator:
        yield message


async def serve(port: int) -> None:
    server = grpc.aio.server()
    handlers = {"PingPong": grpc.stream_stream_rpc_method_handler(ping_pong)}
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("bench.v1.Bench", handlers),))
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print(f"PORT {bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await server.stop(grace=1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
