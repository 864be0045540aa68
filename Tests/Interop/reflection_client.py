"""grpcio-reflection client for a SecondPass server: checks reflection without our protos.

Lists the services, fetches file descriptors through grpcio-reflection's descriptor database,
builds message classes and a dynamic stub from them alone, and calls Rescorer/ListAdapters and
Health/Check; also asks the `grpc.reflection.v1` name directly (grpcio-reflection itself speaks
`v1alpha`) and checks NOT_FOUND answers for unknown names. Imports nothing generated from Protos/.

Usage: reflection_client.py HOST:PORT
Prints one JSON verdict {"checks": {name: {"ok": bool, "detail": str}}, "services": [...]}.
"""

import json
import sys

import grpc
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor_pb2 import FileDescriptorProto
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

TIMEOUT = 60


def check(checks, name, function):
    try:
        ok, detail = function()
    except Exception as error:  # a failed check is a verdict, not a crash
        ok, detail = False, f"{type(error).__name__}: {error}"
    checks[name] = {"ok": bool(ok), "detail": str(detail)}


def unary(channel, pool, service, method, fields):
    """Calls service/method with a request built from `fields`, all from reflected descriptors."""
    method_descriptor = pool.FindServiceByName(service).FindMethodByName(method)
    request_class = message_factory.GetMessageClass(method_descriptor.input_type)
    response_class = message_factory.GetMessageClass(method_descriptor.output_type)
    call = channel.unary_unary(
        f"/{service}/{method}",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    return call(request_class(**fields), timeout=TIMEOUT)


def raw_reflection(channel, service_name, requests):
    """Sends `requests` on one ServerReflectionInfo stream of `service_name`; returns the answers."""
    call = channel.stream_stream(
        f"/{service_name}/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )
    return list(call(iter(requests), timeout=TIMEOUT))


def main():
    address = sys.argv[1]
    checks = {}
    services = []
    with grpc.insecure_channel(address) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        pool = descriptor_pool.DescriptorPool(database)

        def list_services():
            services.extend(database.get_services())
            want = {
                "secondpass.rescoring.v1.Rescorer",
                "secondpass.rescoring.v1.MetricsAggregator",
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
            }
            return want <= set(services), services

        def file_by_filename():
            proto = database.FindFileByName("secondpass/rescoring/v1/rescorer.proto")
            names = [service.name for service in proto.service]
            return proto.package == "secondpass.rescoring.v1" and "Rescorer" in names, names

        def symbol_descriptor():
            service = pool.FindServiceByName("secondpass.rescoring.v1.Rescorer")
            methods = sorted(method.name for method in service.methods)
            rescore = service.FindMethodByName("Rescore")
            streaming = rescore.client_streaming and rescore.server_streaming
            return streaming and "ListAdapters" in methods, methods

        def list_adapters():
            response = unary(channel, pool, "secondpass.rescoring.v1.Rescorer", "ListAdapters", {})
            names = [adapter.name for adapter in response.adapters]
            return names == ["base", "lora-r8"], names

        def health_check():
            response = unary(channel, pool, "grpc.health.v1.Health", "Check", {"service": ""})
            status = response.DESCRIPTOR.fields_by_name["status"].enum_type.values_by_number[response.status]
            return status.name == "SERVING", status.name

        def v1_name():
            answers = raw_reflection(
                channel,
                "grpc.reflection.v1.ServerReflection",
                [
                    reflection_pb2.ServerReflectionRequest(list_services=""),
                    reflection_pb2.ServerReflectionRequest(
                        file_containing_symbol="grpc.health.v1.HealthCheckResponse.ServingStatus"
                    ),
                ],
            )
            listed = [service.name for service in answers[0].list_services_response.service]
            files = [
                FileDescriptorProto.FromString(data).name
                for data in answers[1].file_descriptor_response.file_descriptor_proto
            ]
            echoed = answers[1].original_request.file_containing_symbol
            ok = "grpc.health.v1.Health" in listed and files == ["grpc/health/v1/health.proto"]
            return ok and echoed.endswith("ServingStatus"), {"listed": listed, "files": files}

        def not_found():
            answers = raw_reflection(
                channel,
                "grpc.reflection.v1alpha.ServerReflection",
                [
                    reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"),
                    reflection_pb2.ServerReflectionRequest(file_by_filename="no/such.proto"),
                    reflection_pb2.ServerReflectionRequest(list_services=""),
                ],
            )
            errors = [answer.error_response for answer in answers[:2]]
            codes = [error.error_code for error in errors]
            messages = [error.error_message for error in errors]
            # The stream goes on after an error: the third request is still answered.
            still_open = len(answers[2].list_services_response.service) > 0
            ok = codes == [grpc.StatusCode.NOT_FOUND.value[0]] * 2 and still_open
            ok = ok and "no.such.Symbol" in messages[0] and "no/such.proto" in messages[1]
            return ok, {"codes": codes, "messages": messages}

        check(checks, "list_services", list_services)
        check(checks, "file_by_filename", file_by_filename)
        check(checks, "symbol_descriptor", symbol_descriptor)
        check(checks, "list_adapters_dynamic", list_adapters)
        check(checks, "health_check_dynamic", health_check)
        check(checks, "v1_name", v1_name)
        check(checks, "not_found", not_found)
    print(json.dumps({"checks": checks, "services": services}))


if __name__ == "__main__":
    main()
