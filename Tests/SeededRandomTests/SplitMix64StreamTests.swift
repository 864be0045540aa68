import SeededRandom
import Testing

/// Pins the exact streams: models, recorded figures and fixtures depend on them, so any change
/// to the constants, the seeding or the bounded draw must fail here.
///
/// Expected values come from the reference `splitmix64.c` (seed 1234567) and from a Python
/// re-implementation of the copies this type replaced (Phonetics, Evaluation, test fixtures).
@Suite("SplitMix64 streams")
struct SplitMix64StreamTests {
    @Test("init(seed:) gives the reference SplitMix64 stream")
    func referenceStream() {
        var generator = SplitMix64(seed: 1_234_567)
        let draws = (0..<5).map { _ in generator.next() }
        #expect(
            draws == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
    }

    @Test("init(seed:item:) xors the item's FNV-1a hash into the seed and discards one draw")
    func perItemStream() {
        #expect(SplitMix64.fnv1a("utt-1") == 0xdaa7_2577_7051_f38a)
        var generator = SplitMix64(seed: 20_240_601, item: "utt-1")
        let draws = (0..<3).map { _ in generator.next() }
        #expect(draws == [17_971_590_462_995_622_006, 10_341_363_190_539_851_925, 3_145_218_646_033_734_636])
    }

    @Test("next(below:) is Lemire's multiply-shift draw the bootstrap parity test re-implements")
    func boundedDraws() {
        var generator = SplitMix64(seed: 99)
        #expect((0..<8).map { _ in generator.next(below: 7) } == [1, 0, 5, 0, 1, 1, 4, 5])
    }

    @Test("nextUnit() uses the top 53 bits")
    func unitDraws() {
        var generator = SplitMix64(seed: 5)
        #expect(generator.nextUnit() == 0.386768045983934)
        #expect(generator.nextUnit() == 0.7523070158382239)
    }
}
