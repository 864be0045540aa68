import Testing

@testable import FirstPass

/// The k-best decoder merges paths by a hash of their word sequence; recorded N-best files depend
/// on which paths merge, so the hash must stay the one it has always been.
@Suite("Word-sequence hash")
struct PathHashTests {
    @Test("extendHash is the first SplitMix64 draw seeded by hash xor word")
    func recordedValues() {
        #expect(KBestDecoder.extendHash(0, 0) == 16_294_208_416_658_607_535)
        #expect(KBestDecoder.extendHash(0x1234, 0xabcd) == 10_665_329_274_899_681_727)
        #expect(KBestDecoder.extendHash(KBestDecoder.extendHash(0, 5), 7) == 10_278_664_173_665_575_612)
    }
}
