"""A grpcio client that checks a server with SecondPass's interop test semantics.

Usage: interop_client.py HOST:PORT --proto-dir DIR --server-name NAME --run-id ID
Prints {"checks": {name: {"ok": bool, "detail": text}}}; exits 0 unless the script itself broke.
"""

import argparse
import json
import queue
import threading
import time

import grpc

import protos

RESCORER = "secondpass.rescoring.v1.Rescorer"


class Checks:
    def __init__(self):
        self.results = {}

    def run(self, name, body):
        try:
            detail = body()
            self.results[name] = {"ok": True, "detail": detail or ""}
        except Exception as error:  # every failure is reported in the verdict
            self.results[name] = {"ok": False, "detail": f"{type(error).__name__}: {error}"}


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_status(call, code, fragment=""):
    try:
        call()
    except grpc.RpcError as error:
        expect(error.code() == code, f"expected {code}, got {error.code()}: {error.details()}")
        expect(fragment in (error.details() or ""), f"message {error.details()!r} lacks {fragment!r}")
        return f"{error.code().name}: {error.details()}"
    raise AssertionError(f"expected {code}, the call succeeded")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--run-id", required=True)
    args = parser.parse_args()
    checks = Checks()

    with protos.generated_modules(args.proto_dir) as modules:
        nbest_pb2 = modules["nbest"][0]
        rescorer_pb2, rescorer_grpc = modules["rescorer"]
        metrics_pb2, metrics_grpc = modules["metrics"]
        health_pb2 = modules["health"][0]
        Status = health_pb2.HealthCheckResponse

        channel = grpc.insecure_channel(args.address)
        grpc.channel_ready_future(channel).result(timeout=60)
        rescorer = rescorer_grpc.RescorerStub(channel)
        aggregator = metrics_grpc.MetricsAggregatorStub(channel)
        check_health = channel.unary_unary(
            "/grpc.health.v1.Health/Check", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=Status.FromString)
        watch_health = channel.unary_stream(
            "/grpc.health.v1.Health/Watch", request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=Status.FromString)

        def request(utterance="utt-1", count=3, adapter="", sequence=0):
            nbest = nbest_pb2.NBestList(
                utterance_id=utterance, session_id="session-py", sequence_number=sequence,
                kind=nbest_pb2.RESULT_KIND_FINAL, stability=1.0)
            for index in range(count):
                nbest.hypotheses.add(text=f"hypothesis number {index} ü", total_score=-1.5 * index,
                                     token_ids=[index, 7], confidence=0.5)
            return rescorer_pb2.RescoreRequest(nbest=nbest, config=rescorer_pb2.RescoringConfig(adapter=adapter))

        def expect_reversed(result, req):
            count = len(req.nbest.hypotheses)
            expect(result.utterance_id == req.nbest.utterance_id, "utterance_id not echoed")
            expect(result.session_id == req.nbest.session_id, "session_id not echoed")
            expect(result.sequence_number == req.nbest.sequence_number, "sequence_number not echoed")
            expect(result.kind == req.nbest.kind, "kind not echoed")
            expect(result.replica_id == args.server_name, f"replica {result.replica_id}")
            expect(result.model_id == "interop-test", "model_id")
            expect([h.original_index for h in result.hypotheses] == list(reversed(range(count))), "ranking")
            for scored in result.hypotheses:
                source = req.nbest.hypotheses[scored.original_index]
                expect(scored.text == source.text, "text")
                expect(scored.first_pass_score == source.total_score, "first_pass_score")
                expect(scored.token_count == len(source.text.split()) + 1, "token_count")
            expect(result.chosen_index == (count - 1 if count else 0), "chosen_index")

        def unary_with_metadata():
            req = request()
            binary = bytes([0, 1, 2, 254, 255, 10, 13])
            metadata = (("x-echo-text", "hello interop"), ("x-echo-data-bin", binary), ("x-ignored", "no"))
            result, call = rescorer.RescoreOne.with_call(req, metadata=metadata, timeout=60)
            expect_reversed(result, req)
            initial = dict(call.initial_metadata())
            expect(initial.get("x-echo-text") == "hello interop", f"initial metadata {initial}")
            expect(initial.get("x-echo-data-bin") == binary, f"binary metadata {initial.get('x-echo-data-bin')!r}")
            expect("x-ignored" not in initial, "x-ignored echoed")
            trailing = dict(call.trailing_metadata())
            expect(trailing.get("x-served-by") == args.server_name, f"trailing {trailing}")
            return f"{len(result.hypotheses)} hypotheses, metadata echoed"
        checks.run("unary_metadata", unary_with_metadata)

        def large_unary():
            req = request(count=2000)
            result = rescorer.RescoreOne(req, timeout=120)
            expect_reversed(result, req)
            return f"{req.ByteSize()} bytes request"
        checks.run("unary_large", large_unary)

        def server_streaming():
            reports = list(aggregator.WatchReport(metrics_pb2.ReportRequest(run_id="watch-3"), timeout=60))
            expect([r.records for r in reports] == [1, 2, 3], f"records {[r.records for r in reports]}")
            expect(all(r.conditions[0].condition == "clean" for r in reports), "condition")
        checks.run("server_streaming", server_streaming)

        def client_streaming():
            def records():
                for utterance in ["u1", "u2", "u1"]:
                    yield metrics_pb2.EvaluationRecord(run_id=args.run_id, utterance_id=utterance, condition="clean",
                                                       reference="a b")
                yield metrics_pb2.EvaluationRecord(utterance_id="u3")
            summary = aggregator.Record(records(), timeout=60)
            expect((summary.accepted, summary.duplicates, summary.rejected) == (2, 1, 1), f"summary {summary}")
            expect(list(summary.errors) == ["record 3: empty run_id"], f"errors {summary.errors}")
            report = aggregator.GetReport(metrics_pb2.ReportRequest(run_id=args.run_id, clean_condition="c0"),
                                          timeout=60)
            expect(report.records == 2 and report.conditions[0].condition == "c0", f"report {report}")
        checks.run("client_streaming", client_streaming)

        def bidirectional():
            requests = [request(utterance=f"u{i}", count=i + 1, sequence=i) for i in range(5)]
            results = list(rescorer.Rescore(iter(requests), timeout=60))
            expect(len(results) == 5, f"{len(results)} results")
            for req, result in zip(requests, results):
                expect_reversed(result, req)
        checks.run("bidirectional", bidirectional)

        def bidirectional_ping_pong():
            outbox = queue.Queue()

            def requests():
                while True:
                    item = outbox.get()
                    if item is None:
                        return
                    yield item

            call = rescorer.Rescore(requests(), timeout=60)
            for index in range(4):
                req = request(utterance=f"pp{index}", sequence=index)
                outbox.put(req)
                expect_reversed(next(call), req)
            outbox.put(None)
            expect(list(call) == [], "extra results")
        checks.run("bidirectional_ping_pong", bidirectional_ping_pong)

        def bidirectional_error():
            requests = [request(utterance="ok", sequence=0), request(utterance="bad", adapter="missing", sequence=1)]
            call = rescorer.Rescore(iter(requests), timeout=60)
            first = next(call)
            expect(first.utterance_id == "ok", "first result")
            return expect_status(lambda: next(call), grpc.StatusCode.NOT_FOUND, "missing")
        checks.run("bidirectional_error", bidirectional_error)

        checks.run("deadline", lambda: expect_status(
            lambda: rescorer.RescoreOne(request(adapter="slow"), timeout=0.5), grpc.StatusCode.DEADLINE_EXCEEDED))

        def cancel():
            future = rescorer.RescoreOne.future(request(adapter="slow"), timeout=120)
            time.sleep(0.3)
            expect(future.cancel(), "cancel() returned False")
            expect(future.cancelled(), "not cancelled")
            return "cancelled"
        checks.run("cancel", cancel)

        def cancel_stream():
            call = aggregator.WatchReport(metrics_pb2.ReportRequest(run_id="watch-0"), timeout=120)
            seen = [next(call).records for _ in range(3)]
            expect(seen == [1, 2, 3], f"records {seen}")
            call.cancel()
            return expect_status(lambda: list(call), grpc.StatusCode.CANCELLED)
        checks.run("cancel_stream", cancel_stream)

        checks.run("invalid_argument", lambda: expect_status(
            lambda: rescorer.RescoreOne(request(adapter="invalid"), timeout=60), grpc.StatusCode.INVALID_ARGUMENT,
            "invalid request"))
        checks.run("not_found", lambda: expect_status(
            lambda: rescorer.UnloadAdapter(rescorer_pb2.UnloadAdapterRequest(name="nope"), timeout=60),
            grpc.StatusCode.NOT_FOUND, "nope"))
        checks.run("report_errors", lambda: expect_status(
            lambda: aggregator.GetReport(metrics_pb2.ReportRequest(run_id="unknown-run"), timeout=60),
            grpc.StatusCode.NOT_FOUND, "unknown-run"))
        checks.run("empty_load", lambda: expect_status(
            lambda: rescorer.LoadAdapter(rescorer_pb2.LoadAdapterRequest(), timeout=60),
            grpc.StatusCode.INVALID_ARGUMENT))

        def unimplemented():
            method = channel.unary_unary(f"/{RESCORER}/NoSuchMethod")
            return expect_status(lambda: method(b"", timeout=60), grpc.StatusCode.UNIMPLEMENTED)
        checks.run("unimplemented", unimplemented)

        def list_adapters():
            adapters = rescorer.ListAdapters(rescorer_pb2.ListAdaptersRequest(), timeout=60).adapters
            expect([a.name for a in adapters] == ["base", "lora-r8"], f"adapters {adapters}")
            lora = adapters[1]
            expect(lora.rank == 8 and list(lora.target_modules) == ["attn.c_attn", "attn.c_proj"], "lora info")
            expect(lora.trainable_parameters == 12288, "parameters")
            loaded = rescorer.LoadAdapter(rescorer_pb2.LoadAdapterRequest(name="x", path="/p"), timeout=60).adapter
            expect(loaded.name == "x" and loaded.base_model_id == "/p", f"loaded {loaded}")
            rescorer.UnloadAdapter(rescorer_pb2.UnloadAdapterRequest(name="lora-r8"), timeout=60)
        checks.run("adapters", list_adapters)

        def health():
            expect(check_health(health_pb2.HealthCheckRequest(service=""), timeout=60).status == Status.SERVING, "")
            expect_status(lambda: check_health(health_pb2.HealthCheckRequest(service="nope"), timeout=60),
                          grpc.StatusCode.NOT_FOUND)
            watch = watch_health(health_pb2.HealthCheckRequest(service=RESCORER), timeout=120)
            seen = [next(watch).status]
            rescorer.LoadAdapter(rescorer_pb2.LoadAdapterRequest(name="flip-health"), timeout=60)
            seen.append(next(watch).status)
            status_now = check_health(health_pb2.HealthCheckRequest(service=RESCORER), timeout=60).status
            rescorer.LoadAdapter(rescorer_pb2.LoadAdapterRequest(name="flip-health"), timeout=60)
            seen.append(next(watch).status)
            watch.cancel()
            expected = [Status.SERVING, Status.NOT_SERVING, Status.SERVING]
            expect(seen == expected, f"watched {seen}")
            expect(status_now == Status.NOT_SERVING, "check after flip")
            unknown = watch_health(health_pb2.HealthCheckRequest(service="nope"), timeout=120)
            expect(next(unknown).status == Status.SERVICE_UNKNOWN, "watch of an unknown service")
            unknown.cancel()
        checks.run("health", health)

        # The same service through a channel that compresses every request with gzip
        # (grpc-encoding: gzip, compressed flag 1): the server must inflate them.
        gzip_channel = grpc.insecure_channel(args.address, compression=grpc.Compression.Gzip)
        gzip_rescorer = rescorer_grpc.RescorerStub(gzip_channel)

        def gzip_unary():
            req = request(count=500)
            result, call = gzip_rescorer.RescoreOne.with_call(req, timeout=60)
            expect_reversed(result, req)
            return f"{req.ByteSize()} bytes request sent gzip-compressed"
        checks.run("gzip_unary", gzip_unary)

        def gzip_bidirectional():
            requests = [request(utterance=f"gz{i}", count=i + 1, sequence=i) for i in range(5)]
            results = list(gzip_rescorer.Rescore(iter(requests), timeout=60))
            expect(len(results) == len(requests), f"{len(results)} results")
            for req, result in zip(requests, results):
                expect_reversed(result, req)
            return f"{len(results)} results"
        checks.run("gzip_bidirectional", gzip_bidirectional)
        gzip_channel.close()

        channel.close()
    print(json.dumps({"checks": checks.results}), flush=True)


if __name__ == "__main__":
    main()
