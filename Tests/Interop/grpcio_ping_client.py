"""grpcio ping-pong client for Scripts/bench-rpc, the counterpart of `rpc-bench ping-pong`.

Opens `--streams` bidi calls to /bench.v1.Bench/PingPong on one channel (one HTTP/2 connection);
each stream writes a `--size`-byte message and waits for its echo before the next. Messages echoed
during `--seconds` after a 1 s warm-up are counted, and printed in the Swift client's format:
'PINGPONG messages_per_second=N streams=S size=B seconds=T'. grpc.aio, raw bytes.
"""
import argparse
import asyncio
import sys
import time

import grpc


async def one_stream(channel: grpc.aio.Channel, payload: bytes, warmup_end: float, end: float) -> int:
    method = channel.stream_stream("/bench.v1.Bench/PingPong")
    call = method()
    counted = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        await call.write(payload)
        echoed = await call.read()
        if echoed is grpc.aio.EOF:
            raise RuntimeError("the server ended the stream early")
        if len(echoed) != len(payload):
            raise RuntimeError(f"echo of {len(echoed)} bytes for a {len(payload)}-byte message")
        if now >= warmup_end:
            counted += 1
    await call.done_writing()
    code = await call.code()
    if code != grpc.StatusCode.OK:
        raise RuntimeError(f"stream ended with {code}: {await call.details()}")
    return counted


async def run(args: argparse.Namespace) -> int:
    payload = bytes([0x5A]) * args.size
    async with grpc.aio.insecure_channel(f"{args.host}:{args.port}") as channel:
        await asyncio.wait_for(channel.channel_ready(), timeout=10)
        start = time.monotonic()
        warmup_end = start + 1.0
        end = warmup_end + args.seconds
        counts = await asyncio.gather(
            *(one_stream(channel, payload, warmup_end, end) for _ in range(args.streams)))
    rate = sum(counts) / args.seconds
    print(f"PINGPONG messages_per_second={int(rate)} streams={args.streams} size={args.size} seconds={args.seconds}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
