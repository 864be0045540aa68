"""A grpclib server with SecondPass's interop test semantics (see README.md beside this file).

grpclib is a second gRPC implementation, independent of grpcio and of our Swift stack: pure
Python on the `h2` HTTP/2 library and asyncio. Handlers are mapped by hand (`__mapping__`), with
message classes generated at test time by `protos.py`, so no grpclib code generation is needed.
Prints `PORT <n>` once bound and the same `EVENT …` lines as interop_server.py; exits when its
standard input closes.
"""

import argparse
import asyncio
import sys

from grpclib.const import Cardinality, Handler, Status as GRPCStatus
from grpclib.exceptions import GRPCError
from grpclib.server import Server
from multidict import MultiDict

import protos

RESCORER = "secondpass.rescoring.v1.Rescorer"
AGGREGATOR = "secondpass.rescoring.v1.MetricsAggregator"
HEALTH = "grpc.health.v1.Health"


def event(text):
    print(f"EVENT {text}", flush=True)


def build_services(modules, name):
    rescorer_pb2 = modules["rescorer"][0]
    metrics_pb2 = modules["metrics"][0]
    health_pb2 = modules["health"][0]
    Status = health_pb2.HealthCheckResponse

    class Health:
        def __init__(self):
            self.changed = asyncio.Condition()
            self.statuses = {"": Status.SERVING, RESCORER: Status.SERVING, AGGREGATOR: Status.SERVING}

        async def set(self, service, status):
            async with self.changed:
                self.statuses[service] = status
                self.changed.notify_all()

        async def check(self, stream):
            request = await stream.recv_message()
            status = self.statuses.get(request.service)
            if status is None:
                raise GRPCError(GRPCStatus.NOT_FOUND, f"unknown service '{request.service}'")
            await stream.send_message(Status(status=status))

        async def watch(self, stream):
            request = await stream.recv_message()
            last = None
            while True:  # ends when the client cancels (the task is cancelled)
                async with self.changed:
                    current = self.statuses.get(request.service, Status.SERVICE_UNKNOWN)
                    if current == last:
                        await self.changed.wait()
                        continue
                last = current
                await stream.send_message(Status(status=current))

        def __mapping__(self):
            return {
                f"/{HEALTH}/Check": Handler(
                    self.check, Cardinality.UNARY_UNARY, health_pb2.HealthCheckRequest, Status),
                f"/{HEALTH}/Watch": Handler(
                    self.watch, Cardinality.UNARY_STREAM, health_pb2.HealthCheckRequest, Status),
            }

    health = Health()

    async def echo_metadata(stream):
        echoed = MultiDict((k, v) for k, v in stream.metadata.items() if k.startswith("x-echo"))
        await stream.send_initial_metadata(metadata=echoed)

    async def wait_for_cancel(method):
        event(f"started {method}")
        try:
            await asyncio.sleep(30)  # bounds a broken test; a cancel or deadline ends it first
        except asyncio.CancelledError:
            event(f"cancelled {method}")
            raise

    async def rescore_one(request, method):
        adapter = request.config.adapter
        if adapter == "missing":
            raise GRPCError(GRPCStatus.NOT_FOUND, "adapter 'missing' is not loaded")
        if adapter == "invalid":
            raise GRPCError(GRPCStatus.INVALID_ARGUMENT, "invalid request")
        if adapter == "slow":
            await wait_for_cancel(method)
        nbest = request.nbest
        count = len(nbest.hypotheses)
        result = rescorer_pb2.RescoreResult(
            utterance_id=nbest.utterance_id, session_id=nbest.session_id,
            sequence_number=nbest.sequence_number, kind=nbest.kind,
            chosen_index=count - 1 if count else 0, adapter=adapter, model_id="interop-test",
            replica_id=name)
        for index in reversed(range(count)):
            hypothesis = nbest.hypotheses[index]
            words = len(hypothesis.text.split())
            result.hypotheses.add(
                original_index=index, text=hypothesis.text, first_pass_score=hypothesis.total_score,
                lm_score=-words, fused_score=index, token_count=words + 1)
        return result

    class Rescorer:
        async def rescore_one(self, stream):
            request = await stream.recv_message()
            await echo_metadata(stream)
            await stream.send_message(await rescore_one(request, "RescoreOne"))
            await stream.send_trailing_metadata(metadata={"x-served-by": name})

        async def rescore(self, stream):
            await echo_metadata(stream)
            async for request in stream:
                await stream.send_message(await rescore_one(request, "Rescore"))

        async def list_adapters(self, stream):
            await stream.recv_message()
            await stream.send_message(rescorer_pb2.ListAdaptersResponse(adapters=[
                rescorer_pb2.AdapterInfo(name="base", strategy="full", base_model_id="interop-test"),
                rescorer_pb2.AdapterInfo(
                    name="lora-r8", strategy="lora", rank=8, target_modules=["attn.c_attn", "attn.c_proj"],
                    trainable_parameters=12288, base_model_id="interop-test"),
            ]))

        async def load_adapter(self, stream):
            request = await stream.recv_message()
            if not request.name:
                raise GRPCError(GRPCStatus.INVALID_ARGUMENT, "adapter name is empty")
            if request.name == "flip-health":
                current = health.statuses[RESCORER]
                await health.set(RESCORER, Status.NOT_SERVING if current == Status.SERVING else Status.SERVING)
                adapter = rescorer_pb2.AdapterInfo(name=request.name)
            else:
                adapter = rescorer_pb2.AdapterInfo(name=request.name, strategy="lora", base_model_id=request.path)
            await stream.send_message(rescorer_pb2.LoadAdapterResponse(adapter=adapter))

        async def unload_adapter(self, stream):
            request = await stream.recv_message()
            if request.name != "lora-r8":
                raise GRPCError(GRPCStatus.NOT_FOUND, f"adapter '{request.name}' is not loaded")
            await stream.send_message(rescorer_pb2.UnloadAdapterResponse())

        def __mapping__(self):
            def handler(method, function, cardinality, request, response):
                return f"/{RESCORER}/{method}", Handler(function, cardinality, request, response)

            return dict([
                handler("RescoreOne", self.rescore_one, Cardinality.UNARY_UNARY,
                        rescorer_pb2.RescoreRequest, rescorer_pb2.RescoreResult),
                handler("Rescore", self.rescore, Cardinality.STREAM_STREAM,
                        rescorer_pb2.RescoreRequest, rescorer_pb2.RescoreResult),
                handler("ListAdapters", self.list_adapters, Cardinality.UNARY_UNARY,
                        rescorer_pb2.ListAdaptersRequest, rescorer_pb2.ListAdaptersResponse),
                handler("LoadAdapter", self.load_adapter, Cardinality.UNARY_UNARY,
                        rescorer_pb2.LoadAdapterRequest, rescorer_pb2.LoadAdapterResponse),
                handler("UnloadAdapter", self.unload_adapter, Cardinality.UNARY_UNARY,
                        rescorer_pb2.UnloadAdapterRequest, rescorer_pb2.UnloadAdapterResponse),
            ])

    keys = set()

    def report(request, records):
        result = metrics_pb2.Report(run_id=request.run_id, records=records, generated_at_unix_ms=1)
        result.conditions.add(condition=request.clean_condition or "clean", utterances=records)
        return result

    class Aggregator:
        async def record(self, stream):
            summary = metrics_pb2.RecordSummary()
            index = 0
            async for record in stream:
                if not record.run_id:
                    summary.rejected += 1
                    summary.errors.append(f"record {index}: empty run_id")
                else:
                    key = (record.run_id, record.condition, record.utterance_id)
                    if key in keys:
                        summary.duplicates += 1
                    else:
                        summary.accepted += 1
                    keys.add(key)
                index += 1
            await stream.send_message(summary)

        async def get_report(self, stream):
            request = await stream.recv_message()
            if not request.run_id:
                raise GRPCError(GRPCStatus.INVALID_ARGUMENT, "run_id is empty")
            if request.run_id == "unknown-run":
                raise GRPCError(GRPCStatus.NOT_FOUND, "no records for run 'unknown-run'")
            records = sum(1 for key in keys if key[0] == request.run_id)
            await stream.send_message(report(request, records))

        async def watch_report(self, stream):
            request = await stream.recv_message()
            prefix = "watch-"
            if not request.run_id.startswith(prefix) or not request.run_id[len(prefix):].isdigit():
                raise GRPCError(GRPCStatus.INVALID_ARGUMENT, "run_id must be watch-N")
            count = int(request.run_id[len(prefix):])
            if count > 0:
                for records in range(1, count + 1):
                    await stream.send_message(report(request, records))
                return
            records = 0
            try:
                while True:  # until the client cancels: the task is cancelled
                    records += 1
                    await stream.send_message(report(request, records))
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                event("cancelled WatchReport")
                raise

        def __mapping__(self):
            return {
                f"/{AGGREGATOR}/Record": Handler(
                    self.record, Cardinality.STREAM_UNARY, metrics_pb2.EvaluationRecord,
                    metrics_pb2.RecordSummary),
                f"/{AGGREGATOR}/GetReport": Handler(
                    self.get_report, Cardinality.UNARY_UNARY, metrics_pb2.ReportRequest, metrics_pb2.Report),
                f"/{AGGREGATOR}/WatchReport": Handler(
                    self.watch_report, Cardinality.UNARY_STREAM, metrics_pb2.ReportRequest, metrics_pb2.Report),
            }

    return [Rescorer(), Aggregator(), health]


async def serve(args):
    with protos.generated_modules(args.proto_dir) as modules:
        server = Server(build_services(modules, args.name))
        await server.start("127.0.0.1", 0)
        port = server._server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        # Serve until the test closes our stdin (or kills us).
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        server.close()
        await server.wait_closed()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--name", default="grpclib")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
