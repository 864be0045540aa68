import NBest
import RescoringWire
import Testing

@testable import RescoringMessages

@Suite("Conversions between wire messages and NBest domain types")
struct DomainConversionTests {
    static let list = NBestList(
        utteranceID: "utt-1", sessionID: "s", sequenceNumber: 3, kind: .partial, stability: 0.5,
        hypotheses: [
            Hypothesis(
                text: "a b", tokenIDs: [1, 2], totalScore: -1, acousticScore: -0.5, lmScore: -0.25,
                confidence: 0.9),
            Hypothesis(text: "a c", totalScore: -2),
        ])

    @Test("a domain list survives domain → message → bytes → message → domain")
    func roundTrip() throws {
        let bytes = try NBestListMessage(Self.list).serializedBytes()
        #expect(try NBestList(NBestListMessage(serializedBytes: bytes)) == Self.list)
    }

    @Test("kinds map one to one", arguments: [NBestList.Kind.partial, .final])
    func kinds(kind: NBestList.Kind) throws {
        var list = Self.list
        list.kind = kind
        #expect(try NBestList(NBestListMessage(list)).kind == kind)
    }

    @Test(
        "an unspecified or unknown kind is an invalid value",
        arguments: [ResultKind.unspecified, .unrecognized(9)])
    func invalidKind(kind: ResultKind) throws {
        var message = NBestListMessage(Self.list)
        message.kind = kind
        let error = try #require(throws: ProtoBridgeError.self) { try NBestList(message) }
        #expect(error.code == .invalidValue)
        #expect(error.fieldPath == "kind")
    }
}
