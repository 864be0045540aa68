// libFuzzer entry for the protobuf-c bridge's decoder (built by Scripts/fuzz, not by SwiftPM).
//
// Every input is decoded as every message type. A decode must either throw `ProtoBridgeError`
// or give a message that re-encodes and decodes to the same bytes; anything else (a crash, an
// ASan report, another error type, an unstable round trip) is a finding.
//
// Build by hand (what Scripts/fuzz automates):
//   swift build --target RescoringMessages --build-path .build-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address
//   swiftc -sanitize=fuzzer,address -parse-as-library -I .build-fuzz/debug/Modules \
//     -Xcc -fmodule-map-file=Sources/CRescoringProtos/include/module.modulemap \
//     -Xcc -ISources/CRescoringProtos/include \
//     -Xcc -fmodule-map-file=Sources/CProtobufC/module.modulemap \
//     Tests/Fuzz/MessageDecoderFuzz.swift .build-fuzz/debug/{RescoringMessages,NBest}.build/*.o \
//     $(find .build-fuzz/debug/CRescoringProtos.build -name '*.o') -lprotobuf-c \
//     -o message-decoder-fuzz
import RescoringMessages

private let messageTypes: [any ProtoMessage.Type] = [
    HypothesisMessage.self, NBestListMessage.self, FusionWeights.self, RescoringConfig.self,
    RescoreRequest.self,
    ScoredHypothesis.self, RescoreResult.self, AdapterInfo.self, ListAdaptersRequest.self,
    ListAdaptersResponse.self, LoadAdapterRequest.self, LoadAdapterResponse.self, UnloadAdapterRequest.self,
    UnloadAdapterResponse.self, EvaluationRecord.self, RecordSummary.self, ReportRequest.self, Interval.self,
    ConditionReport.self, RobustnessReport.self, Report.self, HealthCheckRequest.self,
    HealthCheckResponse.self,
]

/// Decodes `bytes` as `type`; on success checks the re-encoding is a fixed point.
private func checkDecoding<M: ProtoMessage>(_ type: M.Type, _ bytes: UnsafeBufferPointer<UInt8>) {
    let message: M
    do {
        message = try M(serializedBytes: bytes)
    } catch is ProtoBridgeError {
        return
    } catch {
        fatalError("\(M.self): decoding threw a non-bridge error: \(error)")
    }
    do {
        let encoded = try message.serializedBytes()
        let again = try M(serializedBytes: encoded)
        guard try again.serializedBytes() == encoded else {
            fatalError("\(M.self): re-encoding is not stable")
        }
    } catch {
        fatalError("\(M.self): a decoded message failed to round-trip: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func messageDecoderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for type in messageTypes {
        checkDecoding(type, bytes)
    }
    return 0
}
