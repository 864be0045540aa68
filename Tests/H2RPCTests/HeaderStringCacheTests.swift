import Testing

@testable import H2RPC

/// The connection's header string cache must be invisible: every lookup returns exactly what
/// decoding the bytes would, whether it hits, misses, overflows or sees invalid UTF-8.
@Suite struct HeaderStringCacheTests {
    private func lookUp(_ cache: inout HeaderStringCache, _ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { cache.string($0) }
    }

    @Test func returnsTheDecodedStringOnMissesAndHits() {
        var cache = HeaderStringCache()
        let values = [
            "/bench.v1.Bench/Echo", "application/grpc", "te", "", "trailers", "/bench.v1.Bench/Echo2",
        ]
        for _ in 0..<3 {
            for value in values {
                #expect(lookUp(&cache, Array(value.utf8)) == value)
            }
        }
    }

    @Test func staysCorrectWhenMoreDistinctValuesArriveThanItHolds() {
        var cache = HeaderStringCache()
        let values = (0..<(HeaderStringCache.capacity * 3)).map { "x-value-\($0)-padding-past-fifteen" }
        for round in 0..<2 {
            for value in values {
                #expect(lookUp(&cache, Array(value.utf8)) == value, "round \(round)")
            }
        }
        let long = String(repeating: "a", count: HeaderStringCache.maximumLength + 1)
        #expect(lookUp(&cache, Array(long.utf8)) == long)
    }

    @Test func repairsInvalidUTF8LikeDecodingDoes() {
        var cache = HeaderStringCache()
        let invalid: [UInt8] = [0x61, 0xFF, 0x62]
        let expected = String(decoding: invalid, as: UTF8.self)
        #expect(lookUp(&cache, invalid) == expected)
        #expect(lookUp(&cache, invalid) == expected)
        // The repaired text itself, as valid bytes, is a different header value that decodes alike.
        #expect(lookUp(&cache, Array(expected.utf8)) == expected)
    }
}
