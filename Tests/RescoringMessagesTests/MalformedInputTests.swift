import SeededRandom
import Testing

@testable import RescoringMessages

@Suite("Malformed and hostile input gives typed errors")
struct MalformedInputTests {
    private static func expectCode<M: ProtoMessage>(
        _ code: ProtoBridgeError.Code, _ type: M.Type, _ bytes: [UInt8], fieldPath: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let message = try M(serializedBytes: bytes)
            Issue.record("decoded \(message) instead of failing with \(code)", sourceLocation: sourceLocation)
        } catch let error as ProtoBridgeError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            if let fieldPath {
                #expect(error.fieldPath == fieldPath, "\(error)", sourceLocation: sourceLocation)
            }
            #expect(error.messageName == M.protoMessageName || !error.messageName.isEmpty)
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a string cut short is malformed")
    func truncatedString() {
        // Field 1 (text), length 5, but only three bytes follow.
        Self.expectCode(.malformed, HypothesisMessage.self, [0x0A, 0x05, 0x61, 0x62, 0x63])
    }

    @Test("every proper prefix of a list ending inside a hypothesis is malformed")
    func everyTruncation() throws {
        let message = NBestListMessage(hypotheses: [HypothesisMessage(text: "a long enough hypothesis text")])
        let bytes = try message.serializedBytes()
        for length in 1..<bytes.count {
            Self.expectCode(.malformed, NBestListMessage.self, Array(bytes.prefix(length)))
        }
    }

    @Test("a wrong wire type for a known field is malformed")
    func wrongWireType() {
        // Field 1 (text, a string) sent as a varint.
        Self.expectCode(.malformed, HypothesisMessage.self, [0x08, 0x01])
    }

    @Test("group wire types are malformed")
    func groupWireType() {
        Self.expectCode(.malformed, HypothesisMessage.self, [0x0B, 0x0C])
    }

    @Test("invalid UTF-8 in a string is rejected with its field path")
    func invalidUTF8() {
        Self.expectCode(.invalidUTF8, HypothesisMessage.self, [0x0A, 0x02, 0xC3, 0x28], fieldPath: "text")
        // Overlong encoding of "/" and a lone surrogate.
        Self.expectCode(.invalidUTF8, HypothesisMessage.self, [0x0A, 0x02, 0xC0, 0xAF], fieldPath: "text")
        Self.expectCode(
            .invalidUTF8, HypothesisMessage.self, [0x0A, 0x03, 0xED, 0xA0, 0x80], fieldPath: "text")
        // NBestList.hypotheses[0].text = FF
        Self.expectCode(
            .invalidUTF8, NBestListMessage.self, [0x32, 0x03, 0x0A, 0x01, 0xFF], fieldPath: "hypotheses.text")
        // RescoreRequest.nbest.hypotheses[0].text = FF
        Self.expectCode(
            .invalidUTF8, RescoreRequest.self, [0x0A, 0x05, 0x32, 0x03, 0x0A, 0x01, 0xFF],
            fieldPath: "nbest.hypotheses.text")
    }

    @Test("U+0000 inside a string is rejected on decode and on encode")
    func embeddedNUL() throws {
        Self.expectCode(
            .embeddedNUL, HypothesisMessage.self, [0x0A, 0x03, 0x61, 0x00, 0x62], fieldPath: "text")
        let error = try #require(throws: ProtoBridgeError.self) {
            try HypothesisMessage(text: "a\u{0}b").serializedBytes()
        }
        #expect(error.code == .embeddedNUL)
        #expect(error.fieldPath == "text")
    }

    @Test("unknown fields are skipped")
    func unknownFields() throws {
        // Field 99 varint 5, field 100 length-delimited "zz", then text = "ok".
        let bytes: [UInt8] = [0x98, 0x06, 0x05, 0xA2, 0x06, 0x02, 0x7A, 0x7A, 0x0A, 0x02, 0x6F, 0x6B]
        #expect(try HypothesisMessage(serializedBytes: bytes) == HypothesisMessage(text: "ok"))
    }

    @Test("random bytes never crash: they decode to a stable message or throw", arguments: [1, 2, 3, 4])
    func randomBytes(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        var decodedCount = 0
        for _ in 0..<2000 {
            let length = Int.random(in: 0...64, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for type in MessageSamples.messageTypes where try Self.decodesStably(type, bytes) {
                decodedCount += 1
            }
        }
        // Some random inputs must be valid (e.g. the empty one), or the property says nothing.
        #expect(decodedCount > 0)
    }

    @Test("mutated valid encodings never crash", arguments: [11, 12])
    func mutatedEncodings(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let encodings = try MessageSamples.all.map { ($0.message, try $0.message.serializedBytes()) }
        for _ in 0..<3000 {
            let (message, original) = encodings.randomElement(using: &generator)!
            guard !original.isEmpty else { continue }
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                switch Int.random(in: 0..<3, using: &generator) {
                case 0:
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                case 1: bytes.removeLast(Int.random(in: 0...min(8, bytes.count - 1), using: &generator))
                default:
                    bytes.insert(
                        UInt8.random(in: 0...255, using: &generator),
                        at: Int.random(in: 0...bytes.count, using: &generator))
                }
            }
            _ = try Self.decodesStably(like: message, bytes)
        }
    }

    private static func decodesStably<M: ProtoMessage>(like message: M, _ bytes: [UInt8]) throws -> Bool {
        try decodesStably(M.self, bytes)
    }

    /// Decodes `bytes`; on success re-encodes and checks the result decodes to the same value.
    /// Returns whether it decoded; fails the test on any error that is not a `ProtoBridgeError`.
    private static func decodesStably<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) throws -> Bool {
        let message: M
        do {
            message = try M(serializedBytes: bytes)
        } catch is ProtoBridgeError {
            return false
        }
        let again = try M(serializedBytes: message.serializedBytes())
        // NaN payloads compare unequal; compare the canonical encodings instead.
        #expect(try again.serializedBytes() == message.serializedBytes(), "\(M.self) from \(bytes)")
        return true
    }
}
