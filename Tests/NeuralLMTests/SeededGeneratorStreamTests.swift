import NeuralLM
import Testing

/// Pins the training generator's stream: released models and checkpoints were drawn from it.
@Suite("Training generator stream")
struct SeededGeneratorStreamTests {
    @Test("xoshiro256** seeded by four SplitMix64 draws gives the recorded stream")
    func recordedStream() {
        var generator = SeededGenerator(seed: 42)
        let draws = (0..<4).map { _ in generator.next() }
        #expect(
            draws == [
                1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009,
                17_057_574_109_182_124_193,
            ])
    }
}
