public import Foundation

/// 16-bit PCM samples of one channel and their rate, read from a RIFF/WAVE file.
public struct WAVAudio: Sendable {
    public var sampleRate: Int
    public var samples: [Int16]

    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Reads a mono 16-bit PCM WAV file, walking its chunks (flite and sox both write extra ones).
    ///
    /// - Throws: `RecordingError(.unreadableAudio)` saying what is wrong with the file.
    public static func read(contentsOf path: String) throws(RecordingError) -> WAVAudio {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordingError(.unreadableAudio, "cannot read \(path)")
        }
        return try parse(data, name: path)
    }

    /// Parses WAV bytes; `name` only labels errors.
    public static func parse(_ data: Data, name: String) throws(RecordingError) -> WAVAudio {
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8),
            bytes[8..<12].elementsEqual("WAVE".utf8)
        else {
            throw RecordingError(.unreadableAudio, "\(name) is not a RIFF/WAVE file")
        }
        var offset = 12
        var format: (channels: Int, rate: Int, bits: Int, encoding: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            guard body + size <= bytes.count || id == "data" else {
                throw RecordingError(.unreadableAudio, "\(name): chunk '\(id)' runs past the end of the file")
            }
            if id == "fmt " {
                guard size >= 16 else { throw RecordingError(.unreadableAudio, "\(name): short fmt chunk") }
                format = (u16(body + 2), u32(body + 4), u16(body + 14), u16(body))
            } else if id == "data" {
                guard let format else {
                    throw RecordingError(.unreadableAudio, "\(name): data chunk before the fmt chunk")
                }
                guard format.encoding == 1, format.bits == 16, format.channels == 1 else {
                    throw RecordingError(
                        .unreadableAudio,
                        "\(name): need mono 16-bit PCM, got \(format.channels) channel(s), \(format.bits) bits, encoding \(format.encoding)"
                    )
                }
                let end = min(body + size, bytes.count)
                let count = (end - body) / 2
                var samples = [Int16](repeating: 0, count: count)
                for index in 0..<count {
                    samples[index] = Int16(bitPattern: UInt16(u16(body + 2 * index)))
                }
                return WAVAudio(sampleRate: format.rate, samples: samples)
            }
            offset = body + size + (size & 1)
        }
        throw RecordingError(.unreadableAudio, "\(name) has no data chunk")
    }
}
