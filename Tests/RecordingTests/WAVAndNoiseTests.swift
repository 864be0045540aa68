import Foundation
import Recording
import Testing

@Suite("WAV reading and noise mixing")
struct WAVAndNoiseTests {
    /// A minimal WAV header plus samples, with an extra chunk before `data` as flite writes.
    private func wav(channels: Int = 1, bits: Int = 16, samples: [Int16]) -> Data {
        func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func u16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let body = samples.flatMap { u16(Int(UInt16(bitPattern: $0))) }
        var bytes = Array("RIFF".utf8) + u32(0) + Array("WAVE".utf8)
        bytes +=
            Array("fmt ".utf8) + u32(16) + u16(1) + u16(channels) + u32(16_000) + u32(32_000) + u16(2)
            + u16(bits)
        bytes += Array("LIST".utf8) + u32(3) + [1, 2, 3, 0]  // odd size: padded
        bytes += Array("data".utf8) + u32(body.count) + body
        return Data(bytes)
    }

    @Test func readsMonoPCMPastOtherChunks() throws {
        let audio = try WAVAudio.parse(wav(samples: [1, -2, 32767, -32768]), name: "t.wav")
        #expect(audio.sampleRate == 16_000)
        #expect(audio.samples == [1, -2, 32767, -32768])
    }

    @Test func rejectsWhatTheDecoderCannotUse() {
        #expect(throws: RecordingError.self) { try WAVAudio.parse(Data("not audio".utf8), name: "x") }
        #expect(throws: RecordingError.self) {
            try WAVAudio.parse(wav(channels: 2, samples: [1, 2]), name: "x")
        }
        #expect(throws: RecordingError.self) { try WAVAudio.parse(wav(bits: 8, samples: [1]), name: "x") }
    }

    @Test func noiseHasTheRequestedLevelAndIsReproducible() {
        let speech = (0..<16_000).map { Int16(3000 * sin(Double($0) * 0.05)) }
        let noisy = NoiseMixer.mix(speech, snr: 10, seed: 7, utteranceID: "u1")
        #expect(noisy == NoiseMixer.mix(speech, snr: 10, seed: 7, utteranceID: "u1"))
        #expect(noisy != NoiseMixer.mix(speech, snr: 10, seed: 7, utteranceID: "u2"))
        let signal = speech.reduce(0.0) { $0 + Double($1) * Double($1) }
        let noise = zip(noisy, speech).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) }
        let snr = 10 * log10(signal / noise)
        #expect(abs(snr - 10) < 0.2, "measured SNR \(snr) dB")
    }
}
