import NBest
import Recording
import Testing

@Suite("NBestMerger: fillers removed, duplicates merged, the decoder's 1-best first")
struct NBestMergerTests {
    private func path(_ text: String, _ total: Double, best: Bool = false) -> PocketSphinxDecoder.Path {
        PocketSphinxDecoder.Path(
            text: text, totalScore: total, acousticScore: total + 10, lmScore: -5, isDecoderBest: best)
    }

    @Test func fillersAndVariantsAreRemoved() {
        #expect(
            NBestMerger.normalizedText("<s> he <sil> was(2) [NOISE] not ++BREATH++ here </s>")
                == "he was not here")
        #expect(NBestMerger.normalizedText("<sil>") == "")
    }

    @Test func duplicatesKeepTheBestScoreAndTheOneBestLeads() {
        let merged = NBestMerger.merge(
            [
                path("he was here", -120, best: true),
                path("he <sil> was here", -110),  // the same words, better scored: merged into the 1-best
                path("he was hear", -100),  // better than the 1-best, still after it
                path("he [NOISE] was hear", -130),
                path("she was here", -105),
            ], limit: 10)
        #expect(merged.map(\.text) == ["he was here", "he was hear", "she was here"])
        #expect(merged[0].totalScore == -110)
        #expect(merged[1].totalScore == -100)
        #expect(merged[0].acousticScore == -100 && merged[0].lmScore == -5)
    }

    @Test func theLimitCountsDistinctStrings() {
        let paths = (0..<6).map { path("word \($0 % 3)", Double(-$0)) }
        #expect(NBestMerger.merge(paths, limit: 2).map(\.text) == ["word 0", "word 1"])
    }
}
