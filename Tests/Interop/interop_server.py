"""A grpcio server with SecondPass's interop test semantics (see README.md beside this file)."""

import argparse
import os
import sys
import threading
import time
from concurrent import futures

import grpc

import protos

RESCORER = "secondpass.rescoring.v1.Rescorer"
AGGREGATOR = "secondpass.rescoring.v1.MetricsAggregator"


def event(text):
    print(f"EVENT {text}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--name", default="python")
    parser.add_argument("--compression", choices=["none", "gzip"], default="none",
                        help="gzip: compress responses (grpc-encoding: gzip) for clients that accept it")
    args = parser.parse_args()

    with protos.generated_modules(args.proto_dir) as modules:
        nbest_pb2 = modules["nbest"][0]
        rescorer_pb2, rescorer_grpc = modules["rescorer"]
        metrics_pb2, metrics_grpc = modules["metrics"]
        health_pb2 = modules["health"][0]
        Status = health_pb2.HealthCheckResponse

        class Health:
            def __init__(self):
                self.lock = threading.Condition()
                self.statuses = {"": Status.SERVING, RESCORER: Status.SERVING, AGGREGATOR: Status.SERVING}

            def set(self, service, status):
                with self.lock:
                    self.statuses[service] = status
                    self.lock.notify_all()

            def check(self, request, context):
                with self.lock:
                    status = self.statuses.get(request.service)
                if status is None:
                    context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service '{request.service}'")
                return Status(status=status)

            def watch(self, request, context):
                last = None
                while context.is_active():
                    with self.lock:
                        current = self.statuses.get(request.service, Status.SERVICE_UNKNOWN)
                        if current == last:
                            self.lock.wait(timeout=0.05)
                            continue
                    last = current
                    yield Status(status=current)

        health = Health()

        def echo_metadata(context):
            echoed = [(k, v) for k, v in context.invocation_metadata() if k.startswith("x-echo")]
            context.send_initial_metadata(tuple(echoed))
            context.set_trailing_metadata((("x-served-by", args.name),))

        def wait_for_cancel(context, method):
            # Woken by the call ending (cancel or deadline), not by polling; 30 s bounds a broken test.
            ended = threading.Event()
            if not context.add_callback(ended.set):
                ended.set()  # the call already ended
            event(f"started {method}")
            ended.wait(30)
            if not context.is_active():
                event(f"cancelled {method}")

        def rescore_one(request, context, method):
            adapter = request.config.adapter
            if adapter == "missing":
                context.abort(grpc.StatusCode.NOT_FOUND, "adapter 'missing' is not loaded")
            if adapter == "invalid":
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "invalid request")
            if adapter == "slow":
                wait_for_cancel(context, method)
            nbest = request.nbest
            count = len(nbest.hypotheses)
            result = rescorer_pb2.RescoreResult(
                utterance_id=nbest.utterance_id, session_id=nbest.session_id,
                sequence_number=nbest.sequence_number, kind=nbest.kind,
                chosen_index=count - 1 if count else 0, adapter=adapter, model_id="interop-test",
                replica_id=args.name)
            for index in reversed(range(count)):
                hypothesis = nbest.hypotheses[index]
                words = len(hypothesis.text.split())
                result.hypotheses.add(
                    original_index=index, text=hypothesis.text, first_pass_score=hypothesis.total_score,
                    lm_score=-words, fused_score=index, token_count=words + 1)
            return result

        class Rescorer(rescorer_grpc.RescorerServicer):
            def RescoreOne(self, request, context):
                echo_metadata(context)
                return rescore_one(request, context, "RescoreOne")

            def Rescore(self, request_iterator, context):
                echo_metadata(context)
                for request in request_iterator:
                    yield rescore_one(request, context, "Rescore")

            def ListAdapters(self, request, context):
                return rescorer_pb2.ListAdaptersResponse(adapters=[
                    rescorer_pb2.AdapterInfo(name="base", strategy="full", base_model_id="interop-test"),
                    rescorer_pb2.AdapterInfo(
                        name="lora-r8", strategy="lora", rank=8, target_modules=["attn.c_attn", "attn.c_proj"],
                        trainable_parameters=12288, base_model_id="interop-test"),
                ])

            def LoadAdapter(self, request, context):
                if not request.name:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "adapter name is empty")
                if request.name == "flip-health":
                    with health.lock:
                        current = health.statuses[RESCORER]
                    health.set(RESCORER, Status.NOT_SERVING if current == Status.SERVING else Status.SERVING)
                    return rescorer_pb2.LoadAdapterResponse(adapter=rescorer_pb2.AdapterInfo(name=request.name))
                return rescorer_pb2.LoadAdapterResponse(adapter=rescorer_pb2.AdapterInfo(
                    name=request.name, strategy="lora", base_model_id=request.path))

            def UnloadAdapter(self, request, context):
                if request.name != "lora-r8":
                    context.abort(grpc.StatusCode.NOT_FOUND, f"adapter '{request.name}' is not loaded")
                return rescorer_pb2.UnloadAdapterResponse()

        records_lock = threading.Lock()
        keys = set()

        class Aggregator(metrics_grpc.MetricsAggregatorServicer):
            def Record(self, request_iterator, context):
                summary = metrics_pb2.RecordSummary()
                for index, record in enumerate(request_iterator):
                    if not record.run_id:
                        summary.rejected += 1
                        summary.errors.append(f"record {index}: empty run_id")
                        continue
                    key = (record.run_id, record.condition, record.utterance_id)
                    with records_lock:
                        duplicate = key in keys
                        keys.add(key)
                    if duplicate:
                        summary.duplicates += 1
                    else:
                        summary.accepted += 1
                return summary

            def report(self, request, records):
                report = metrics_pb2.Report(run_id=request.run_id, records=records, generated_at_unix_ms=1)
                report.conditions.add(condition=request.clean_condition or "clean", utterances=records)
                return report

            def GetReport(self, request, context):
                if not request.run_id:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "run_id is empty")
                if request.run_id == "unknown-run":
                    context.abort(grpc.StatusCode.NOT_FOUND, "no records for run 'unknown-run'")
                with records_lock:
                    records = sum(1 for key in keys if key[0] == request.run_id)
                return self.report(request, records)

            def WatchReport(self, request, context):
                prefix = "watch-"
                if not request.run_id.startswith(prefix) or not request.run_id[len(prefix):].isdigit():
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "run_id must be watch-N")
                count = int(request.run_id[len(prefix):])
                if count > 0:
                    for records in range(1, count + 1):
                        yield self.report(request, records)
                    return
                records = 0
                try:
                    while context.is_active():
                        records += 1
                        yield self.report(request, records)
                        time.sleep(0.02)
                finally:
                    # grpcio either ends the loop or closes this generator at the yield
                    # (GeneratorExit) when the call is cancelled; report both.
                    event("cancelled WatchReport")

        compression = grpc.Compression.Gzip if args.compression == "gzip" else grpc.Compression.NoCompression
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), compression=compression)
        rescorer_grpc.add_RescorerServicer_to_server(Rescorer(), server)
        metrics_grpc.add_MetricsAggregatorServicer_to_server(Aggregator(), server)
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": grpc.unary_unary_rpc_method_handler(
                health.check, request_deserializer=health_pb2.HealthCheckRequest.FromString,
                response_serializer=Status.SerializeToString),
            "Watch": grpc.unary_stream_rpc_method_handler(
                health.watch, request_deserializer=health_pb2.HealthCheckRequest.FromString,
                response_serializer=Status.SerializeToString),
        }),))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        print(f"PORT {port}", flush=True)
        # Serve until the test closes our stdin (or kills us).
        sys.stdin.read()
        server.stop(grace=1).wait()


if __name__ == "__main__":
    main()
