import Foundation
import Testing

@testable import NBest

@Suite struct NBestListTests {
    @Test func jsonRoundTripKeepsAbsentConfidence() throws {
        let list = NBestList(
            utteranceID: "u1", sessionID: "s", sequenceNumber: 3, kind: .partial, stability: 0.5,
            hypotheses: [
                Hypothesis(text: "a cat", totalScore: -1.5, confidence: 0.9),
                Hypothesis(text: "a hat", totalScore: -2.5),
            ])
        let decoded = try JSONDecoder().decode(NBestList.self, from: JSONEncoder().encode(list))
        #expect(decoded == list)
        #expect(decoded.hypotheses[1].confidence == nil)
        #expect(decoded.best?.words == ["a", "cat"])
    }
}
