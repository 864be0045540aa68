"""A grpclib client that checks a server with SecondPass's interop test semantics.

grpclib (pure Python on `h2`) is a second HTTP/2 + gRPC stack, independent of grpcio and of our
Swift one. Calls go through `Channel.request` with message classes from `protos.py`, so no
grpclib code generation is needed. Covers unary (with metadata), server streaming, client
streaming, bidirectional streaming, a deadline and error statuses with their messages.

Usage: grpclib_client.py HOST:PORT --proto-dir DIR --server-name NAME --run-id ID
Prints one JSON verdict {"checks": {name: {"ok": bool, "detail": str}}}.
"""

import argparse
import asyncio
import json
import time

from grpclib.client import Channel
from grpclib.const import Cardinality, Status
from grpclib.exceptions import GRPCError

import protos

RESCORER = "secondpass.rescoring.v1.Rescorer"
AGGREGATOR = "secondpass.rescoring.v1.MetricsAggregator"
HEALTH = "grpc.health.v1.Health"
TIMEOUT = 60


async def check(checks, name, function):
    try:
        ok, detail = await function()
    except Exception as error:  # a failed check is a verdict, not a crash
        ok, detail = False, f"{type(error).__name__}: {error}"
    checks[name] = {"ok": bool(ok), "detail": str(detail)}


async def main(args):
    host, port = args.address.rsplit(":", 1)
    checks = {}
    with protos.generated_modules(args.proto_dir) as modules:
        nbest_pb2 = modules["nbest"][0]
        rescorer_pb2 = modules["rescorer"][0]
        metrics_pb2 = modules["metrics"][0]
        health_pb2 = modules["health"][0]

        def request(utterance="utt-1", count=3, adapter="", sequence=0):
            nbest = nbest_pb2.NBestList(
                utterance_id=utterance, session_id="session-grpclib", sequence_number=sequence,
                kind=nbest_pb2.RESULT_KIND_FINAL, stability=1)
            for index in range(count):
                nbest.hypotheses.add(text=f"hypothesis number {index} ü", total_score=-1.5 * index)
            return rescorer_pb2.RescoreRequest(nbest=nbest, config=rescorer_pb2.RescoringConfig(adapter=adapter))

        def reversed_ok(result, sent):
            count = len(sent.nbest.hypotheses)
            return (
                result.utterance_id == sent.nbest.utterance_id
                and result.replica_id == args.server_name
                and [h.original_index for h in result.hypotheses] == list(reversed(range(count)))
                and all(h.text == sent.nbest.hypotheses[h.original_index].text for h in result.hypotheses)
                and result.chosen_index == (count - 1 if count else 0)
            )

        channel = Channel(host, int(port))
        try:
            def call(service, method, cardinality, request_type, response_type, **options):
                return channel.request(
                    f"/{service}/{method}", cardinality, request_type, response_type,
                    timeout=options.pop("timeout", TIMEOUT), **options)

            async def unary_metadata():
                sent = request()
                metadata = {"x-echo-text": "hello grpclib", "x-echo-data-bin": bytes([0, 1, 254, 255, 10]),
                            "x-ignored": "no"}
                async with call(RESCORER, "RescoreOne", Cardinality.UNARY_UNARY, rescorer_pb2.RescoreRequest,
                                rescorer_pb2.RescoreResult, metadata=metadata) as stream:
                    await stream.send_message(sent, end=True)
                    await stream.recv_initial_metadata()
                    result = await stream.recv_message()
                    await stream.recv_trailing_metadata()
                initial, trailing = stream.initial_metadata, stream.trailing_metadata
                ok = reversed_ok(result, sent) and initial.get("x-echo-text") == "hello grpclib"
                ok = ok and initial.get("x-echo-data-bin") == bytes([0, 1, 254, 255, 10])
                ok = ok and "x-ignored" not in initial and trailing.get("x-served-by") == args.server_name
                return ok, {"initial": dict(initial), "trailing": dict(trailing)}

            async def server_streaming():
                async with call(AGGREGATOR, "WatchReport", Cardinality.UNARY_STREAM, metrics_pb2.ReportRequest,
                                metrics_pb2.Report) as stream:
                    await stream.send_message(metrics_pb2.ReportRequest(run_id="watch-3"), end=True)
                    records = [report.records async for report in stream]
                return records == [1, 2, 3], records

            async def client_streaming():
                async with call(AGGREGATOR, "Record", Cardinality.STREAM_UNARY, metrics_pb2.EvaluationRecord,
                                metrics_pb2.RecordSummary) as stream:
                    for utterance in ["u1", "u2", "u1"]:
                        await stream.send_message(metrics_pb2.EvaluationRecord(
                            run_id=args.run_id, utterance_id=utterance, condition="clean", reference="a b"))
                    await stream.send_message(metrics_pb2.EvaluationRecord(utterance_id="u3"), end=True)
                    summary = await stream.recv_message()
                ok = (summary.accepted, summary.duplicates, summary.rejected) == (2, 1, 1)
                return ok and list(summary.errors) == ["record 3: empty run_id"], str(summary)

            async def bidirectional():
                # Ping-pong: each result must arrive before the next request is sent.
                async with call(RESCORER, "Rescore", Cardinality.STREAM_STREAM, rescorer_pb2.RescoreRequest,
                                rescorer_pb2.RescoreResult) as stream:
                    verdicts = []
                    for index in range(4):
                        sent = request(utterance=f"pp{index}", count=index + 1, sequence=index)
                        await stream.send_message(sent)
                        verdicts.append(reversed_ok(await stream.recv_message(), sent))
                    await stream.end()
                    rest = [result async for result in stream]
                return all(verdicts) and not rest, {"verdicts": verdicts, "extra": len(rest)}

            async def deadline():
                start = time.monotonic()
                try:
                    async with call(RESCORER, "RescoreOne", Cardinality.UNARY_UNARY, rescorer_pb2.RescoreRequest,
                                    rescorer_pb2.RescoreResult, timeout=0.5) as stream:
                        await stream.send_message(request(adapter="slow"), end=True)
                        await stream.recv_message()
                    return False, "the slow call succeeded"
                except GRPCError as error:
                    outcome = error.status == Status.DEADLINE_EXCEEDED
                    detail = f"{error.status} {error.message}"
                except asyncio.TimeoutError:
                    # grpclib's own deadline fired first; the server saw the cancel as RST_STREAM.
                    outcome, detail = True, "client deadline"
                elapsed = time.monotonic() - start
                return outcome and elapsed < 10, f"{detail} after {elapsed:.2f}s"

            async def expect_error(service, method, request_message, response_type, status, fragment):
                try:
                    async with call(service, method, Cardinality.UNARY_UNARY, type(request_message),
                                    response_type) as stream:
                        await stream.send_message(request_message, end=True)
                        await stream.recv_message()
                    return False, "succeeded"
                except GRPCError as error:
                    return error.status == status and fragment in (error.message or ""), \
                        f"{error.status} {error.message}"

            async def errors():
                verdicts = [
                    await expect_error(RESCORER, "RescoreOne", request(adapter="missing"),
                                       rescorer_pb2.RescoreResult, Status.NOT_FOUND, "adapter 'missing' is not loaded"),
                    await expect_error(RESCORER, "RescoreOne", request(adapter="invalid"),
                                       rescorer_pb2.RescoreResult, Status.INVALID_ARGUMENT, "invalid request"),
                    await expect_error(AGGREGATOR, "GetReport", metrics_pb2.ReportRequest(run_id="unknown-run"),
                                       metrics_pb2.Report, Status.NOT_FOUND, "unknown-run"),
                    await expect_error(RESCORER, "NoSuchMethod", rescorer_pb2.ListAdaptersRequest(),
                                       rescorer_pb2.ListAdaptersResponse, Status.UNIMPLEMENTED, ""),
                ]
                return all(ok for ok, _ in verdicts), [detail for _, detail in verdicts]

            async def bidirectional_error():
                first = None
                try:
                    async with call(RESCORER, "Rescore", Cardinality.STREAM_STREAM, rescorer_pb2.RescoreRequest,
                                    rescorer_pb2.RescoreResult) as stream:
                        await stream.send_message(request(utterance="ok"))
                        first = await stream.recv_message()
                        # Ended with the bad request: grpclib reads the status only after the end.
                        await stream.send_message(
                            request(utterance="bad", adapter="missing", sequence=1), end=True)
                        await stream.recv_message()
                    return False, "no error status"
                except GRPCError as error:
                    # Raised out of the `async with`, which then resets the stream it could not end.
                    ok = first is not None and first.utterance_id == "ok" and error.status == Status.NOT_FOUND
                    return ok and "missing" in (error.message or ""), f"{error.status} {error.message}"

            async def health():
                async with call(HEALTH, "Check", Cardinality.UNARY_UNARY, health_pb2.HealthCheckRequest,
                                health_pb2.HealthCheckResponse) as stream:
                    await stream.send_message(health_pb2.HealthCheckRequest(service=""), end=True)
                    response = await stream.recv_message()
                serving = health_pb2.HealthCheckResponse.SERVING
                return response.status == serving, response.status

            await check(checks, "unary_metadata", unary_metadata)
            await check(checks, "server_streaming", server_streaming)
            await check(checks, "client_streaming", client_streaming)
            await check(checks, "bidirectional", bidirectional)
            await check(checks, "bidirectional_error", bidirectional_error)
            await check(checks, "deadline", deadline)
            await check(checks, "errors", errors)
            await check(checks, "health", health)
        finally:
            channel.close()
    print(json.dumps({"checks": checks}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--run-id", required=True)
    asyncio.run(main(parser.parse_args()))
