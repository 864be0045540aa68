import Foundation
import SeededRandom

/// Adds white Gaussian noise at a signal-to-noise ratio, reproducibly.
///
/// The noise power is the speech power over 10^(SNR/10), speech power measured over the whole
/// utterance; the generator is seeded by (seed, utterance id) so an utterance gets the same noise
/// whichever worker records it and however often it is recorded.
public enum NoiseMixer {
    public static func mix(_ samples: [Int16], snr: Double, seed: UInt64, utteranceID: String) -> [Int16] {
        guard !samples.isEmpty else { return samples }
        let power = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
        let sigma = (power / pow(10, snr / 10)).squareRoot()
        var generator = SplitMix64(seed: seed, item: utteranceID)
        var output = [Int16](repeating: 0, count: samples.count)
        var spare: Double?
        for index in samples.indices {
            let gaussian: Double
            if let value = spare {
                gaussian = value
                spare = nil
            } else {
                // Box-Muller: two independent standard normals from two uniforms in (0, 1].
                let u1 = 1 - generator.nextUnit()
                let u2 = generator.nextUnit()
                let radius = (-2 * log(u1)).squareRoot()
                gaussian = radius * cos(2 * .pi * u2)
                spare = radius * sin(2 * .pi * u2)
            }
            let value = (Double(samples[index]) + sigma * gaussian).rounded()
            output[index] = Int16(max(Double(Int16.min), min(Double(Int16.max), value)))
        }
        return output
    }
}
